// Package peers holds the Go side of the router comparison: httprouter
// loaded with the same routes and asked the same requests as weir's
// router_bench. The sets come from `router_bench --dump-dir=DIR`; the
// benchmarks read DIR from WEIR_BENCH_DIR.
package peers

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/julienschmidt/httprouter"
)

// Line is one route or request: METHOD PATH [HOST].
type Line struct {
	Method, Path, Host string
}

// ReadLines reads a file written by router_bench --dump-dir.
func ReadLines(file string) ([]Line, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Line
	s := bufio.NewScanner(f)
	for n := 1; s.Scan(); n++ {
		text := s.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s:%d: expected METHOD PATH [HOST]", file, n)
		}
		l := Line{Method: fields[0], Path: fields[1]}
		if len(fields) > 2 {
			l.Host = fields[2]
		}
		out = append(out, l)
	}
	return out, s.Err()
}

// HostRouter gives httprouter virtual hosts the way weir has them: one
// router per exact host, the host-less routes as the fallback when the
// host's own router has no match.
type HostRouter struct {
	hosts    map[string]*httprouter.Router
	fallback *httprouter.Router
}

func noop(http.ResponseWriter, *http.Request, httprouter.Params) {}

// NewHostRouter loads routes; httprouter panics on routes it cannot hold.
func NewHostRouter(routes []Line) *HostRouter {
	h := &HostRouter{hosts: map[string]*httprouter.Router{}, fallback: httprouter.New()}
	for _, r := range routes {
		target := h.fallback
		if r.Host != "" {
			target = h.hosts[r.Host]
			if target == nil {
				target = httprouter.New()
				h.hosts[r.Host] = target
			}
		}
		target.Handle(r.Method, r.Path, noop)
	}
	return h
}

// Lookup reports whether a route matches, with its params.
func (h *HostRouter) Lookup(method, host, path string) (bool, httprouter.Params) {
	if r := h.hosts[host]; r != nil {
		if handle, ps, _ := r.Lookup(method, path); handle != nil {
			return true, ps
		}
	}
	handle, ps, _ := h.fallback.Lookup(method, path)
	return handle != nil, ps
}

// DataFile is a file of the dumped sets.
func DataFile(name string) (string, error) {
	dir := os.Getenv("WEIR_BENCH_DIR")
	if dir == "" {
		return "", fmt.Errorf("WEIR_BENCH_DIR is not set: run router_bench --dump-dir=DIR first")
	}
	return filepath.Join(dir, name), nil
}
