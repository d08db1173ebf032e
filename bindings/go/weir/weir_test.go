package weir_test

// The Go binding in front of real HTTP upstreams (net/http servers on
// 127.0.0.1 in this process): requests through the gateway with net/http,
// reloads, configuration errors, the life cycle, and a drain that lets an
// in-flight request finish. Every wait is bounded.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"weir.dev/weir"
)

const ioTimeout = 10 * time.Second

// upstream is a plain net/http server: "/" answers its name, "/slow/MS"
// signals `entered`, sleeps MS ms and answers "slow done".
type upstream struct {
	name    string
	port    int
	srv     *http.Server
	entered chan struct{}
	mu      sync.Mutex
	hits    int
}

func startUpstream(t *testing.T, name string) *upstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{name: name, port: ln.Addr().(*net.TCPAddr).Port, entered: make(chan struct{}, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.hits++
		u.mu.Unlock()
		fmt.Fprintf(w, "%s %s %s", u.name, r.Method, r.URL.Path)
	})
	mux.HandleFunc("/slow/", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/slow/"))
		u.entered <- struct{}{}
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
			io.WriteString(w, "slow done")
		case <-r.Context().Done():
		}
	})
	u.srv = &http.Server{Handler: mux, ReadHeaderTimeout: ioTimeout}
	go u.srv.Serve(ln)
	t.Cleanup(func() { u.srv.Close() })
	return u
}

func (u *upstream) hitCount() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hits
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func configFor(listenPort, upstreamPort int) map[string]any {
	return map[string]any{
		"workers":   1,
		"listeners": []any{map[string]any{"name": "public", "address": "127.0.0.1", "port": listenPort}},
		"upstreams": map[string]any{"o": map[string]any{
			"endpoints": []any{map[string]any{"address": fmt.Sprintf("127.0.0.1:%d", upstreamPort)}},
		}},
		"routes": []any{map[string]any{"name": "all", "match": map[string]any{"prefix": "/"}, "upstream": "o"}},
	}
}

// startedGateway is a started gateway in front of the upstream on a free
// port. The C ABI does not report bound ports, so it picks one and retries
// when another process takes it first.
func startedGateway(t *testing.T, upstreamPort int) (*weir.Gateway, int) {
	t.Helper()
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		gw, err := weir.New(configFor(port, upstreamPort))
		if err != nil {
			t.Fatal(err)
		}
		err = gw.Start()
		if err == nil {
			t.Cleanup(func() { gw.Close() })
			return gw, port
		}
		gw.Close()
		if !errors.Is(err, weir.ErrListen) {
			t.Fatalf("start: %v", err)
		}
	}
	t.Fatal("no free port after 5 attempts")
	return nil, 0
}

var client = &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}

func get(port int, path string) (int, string, error) {
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func mustGet(t *testing.T, port int, path string) string {
	t.Helper()
	status, body, err := get(port, path)
	if err != nil || status != 200 {
		t.Fatalf("GET %s: status %d, err %v, body %q", path, status, err, body)
	}
	return body
}

func refused(port int) bool {
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
	if err != nil {
		return true
	}
	conn.Close()
	return false
}

func eventually(timeout time.Duration, pred func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if pred() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func headerText(t *testing.T) string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "..", "..", "capi", "weir.h"))
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

func TestVersionMatchesHeader(t *testing.T) {
	text := headerText(t)
	var parts []string
	for _, p := range []string{"MAJOR", "MINOR", "PATCH"} {
		m := regexp.MustCompile(`#define WEIR_VERSION_` + p + ` (\d+)`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("WEIR_VERSION_%s not in weir.h", p)
		}
		parts = append(parts, m[1])
	}
	if got, want := weir.Version(), strings.Join(parts, "."); got != want {
		t.Fatalf("Version() = %q, header says %q", got, want)
	}
}

func TestStatusesMatchHeader(t *testing.T) {
	ours := map[string]weir.Status{
		"EINVAL": weir.ErrInvalid, "ECONFIG": weir.ErrConfig, "ESTATE": weir.ErrState,
		"ENOMEM": weir.ErrNoMem, "EIO": weir.ErrIO, "ELISTEN": weir.ErrListen,
		"EINTERNAL": weir.ErrInternal, "ETOOSMALL": weir.ErrTooSmall, "ENOTFOUND": weir.ErrNotFound,
	}
	found := regexp.MustCompile(`XX\((\w+),\s*(-?\d+),`).FindAllStringSubmatch(headerText(t), -1)
	texts := map[string]bool{}
	for _, m := range found {
		if m[1] == "OK" {
			continue
		}
		st, ok := ours[m[1]]
		if !ok {
			t.Errorf("WEIR_%s has no Go constant", m[1])
			continue
		}
		if want, _ := strconv.Atoi(m[2]); int(st) != want {
			t.Errorf("WEIR_%s = %s in weir.h, %d in Go", m[1], m[2], int(st))
		}
		if st.Error() == "" || texts[st.Error()] {
			t.Errorf("WEIR_%s: empty or repeated text %q", m[1], st.Error())
		}
		texts[st.Error()] = true
		delete(ours, m[1])
	}
	if len(found) < 2 || len(ours) != 0 {
		t.Errorf("not in weir.h's WEIR_STATUS_MAP: %v (found %d entries)", ours, len(found))
	}
}

func TestProxyAndReload(t *testing.T) {
	a, b := startUpstream(t, "upstream-a"), startUpstream(t, "upstream-b")
	gw, port := startedGateway(t, a.port)

	if body := mustGet(t, port, "/hello"); body != "upstream-a GET /hello" {
		t.Fatalf("through the gateway: %q", body)
	}
	if err := gw.Reload(configFor(port, b.port)); err != nil {
		t.Fatal(err)
	}
	// Workers install the new configuration asynchronously.
	moved := eventually(5*time.Second, func() bool {
		_, body, _ := get(port, "/hello")
		return strings.HasPrefix(body, "upstream-b")
	})
	if !moved {
		t.Fatal("requests never reached the reloaded upstream")
	}
	before := a.hitCount()
	for i := 0; i < 5; i++ {
		if body := mustGet(t, port, "/x"); body != "upstream-b GET /x" {
			t.Fatalf("after reload: %q", body)
		}
	}
	if a.hitCount() != before {
		t.Fatal("the old upstream still gets requests after the reload")
	}

	// The JSON text works as well as a Go value.
	text := fmt.Sprintf(`{"listeners":[{"name":"p","address":"127.0.0.1","port":%d}],`+
		`"upstreams":{"o":{"endpoints":[{"address":"127.0.0.1:%d"}]}},`+
		`"routes":[{"name":"r","match":{"prefix":"/"},"upstream":"o"}]}`, port, a.port)
	if err := gw.Reload(text); err != nil {
		t.Fatal(err)
	}
	if !eventually(5*time.Second, func() bool { _, body, _ := get(port, "/"); return strings.HasPrefix(body, "upstream-a") }) {
		t.Fatal("a reload from JSON text did not take effect")
	}
}

func TestConfigErrors(t *testing.T) {
	bad := configFor(freePort(t), 1)
	bad["routes"].([]any)[0].(map[string]any)["upstream"] = "missing"
	cases := []struct {
		config any
		inText string
	}{
		{bad, "routes[0].upstream"},
		{`{"workers": "two"}`, "workers"},
		{[]byte(`{"workers": -1}`), "workers"},
		{`{"workers":`, ""},
	}
	for _, c := range cases {
		gw, err := weir.New(c.config)
		if gw != nil || !errors.Is(err, weir.ErrConfig) {
			t.Fatalf("New(%v) = %v, %v; want ErrConfig", c.config, gw, err)
		}
		var werr *weir.Error
		if !errors.As(err, &werr) || werr.Status != weir.ErrConfig || werr.Op != "new" {
			t.Fatalf("not an *Error with ErrConfig: %#v", err)
		}
		if !strings.Contains(werr.Message, c.inText) || !strings.Contains(err.Error(), c.inText) {
			t.Fatalf("error %q does not name %q", err, c.inText)
		}
		if errors.Is(err, weir.ErrState) {
			t.Fatal("a config error is also ErrState")
		}
	}

	for _, config := range []any{nil, make(chan int)} {
		if _, err := weir.New(config); !errors.Is(err, weir.ErrInvalid) {
			t.Fatalf("New(%T): %v; want ErrInvalid", config, err)
		}
	}
}

func TestBrokenReloadKeepsServing(t *testing.T) {
	a := startUpstream(t, "upstream-a")
	gw, port := startedGateway(t, a.port)
	bad := configFor(port, a.port)
	bad["routes"].([]any)[0].(map[string]any)["upstream"] = "missing"
	err := gw.Reload(bad)
	if !errors.Is(err, weir.ErrConfig) || !strings.Contains(err.Error(), "routes[0].upstream") {
		t.Fatalf("broken reload: %v", err)
	}
	if err := gw.Reload(`{"routes": [`); !errors.Is(err, weir.ErrConfig) {
		t.Fatalf("truncated reload: %v", err)
	}
	if body := mustGet(t, port, "/still"); body != "upstream-a GET /still" {
		t.Fatalf("after broken reloads: %q", body)
	}
}

func TestShutdownDrainsInFlightRequest(t *testing.T) {
	a := startUpstream(t, "upstream-a")
	gw, port := startedGateway(t, a.port)

	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		status, body, err := get(port, "/slow/800")
		done <- result{status, body, err}
	}()
	select {
	case <-a.entered:
	case <-time.After(ioTimeout):
		t.Fatal("the slow request never reached the upstream")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t0 := time.Now()
	if err := gw.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(t0)
	select {
	case r := <-done:
		if r.err != nil || r.status != 200 || r.body != "slow done" {
			t.Fatalf("in-flight request: status %d body %q err %v", r.status, r.body, r.err)
		}
	case <-time.After(ioTimeout):
		t.Fatal("the in-flight request never finished")
	}
	if took < 300*time.Millisecond || took > 4500*time.Millisecond {
		t.Fatalf("Shutdown took %v: it should wait for the request, not the whole window", took)
	}
	if !refused(port) {
		t.Fatal("still listening after Shutdown")
	}

	if err := gw.Shutdown(context.Background()); err != nil {
		t.Fatalf("a second Shutdown: %v", err)
	}
	if err := gw.Start(); !errors.Is(err, weir.ErrState) {
		t.Fatalf("Start after Shutdown: %v; want ErrState", err)
	}
	if err := gw.Reload(configFor(port, a.port)); !errors.Is(err, weir.ErrState) {
		t.Fatalf("Reload after Shutdown: %v; want ErrState", err)
	}
}

func TestShutdownDeadlineCutsTheDrain(t *testing.T) {
	a := startUpstream(t, "upstream-a")
	gw, port := startedGateway(t, a.port)
	done := make(chan int, 1)
	go func() {
		status, _, _ := get(port, "/slow/5000")
		done <- status
	}()
	select {
	case <-a.entered:
	case <-time.After(ioTimeout):
		t.Fatal("the slow request never reached the upstream")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	t0 := time.Now()
	if err := gw.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(t0); took > 3*time.Second {
		t.Fatalf("Shutdown took %v with a 300 ms deadline", took)
	}
	select {
	case status := <-done:
		if status == 200 {
			t.Fatal("the request outlived the drain deadline")
		}
	case <-time.After(ioTimeout):
		t.Fatal("the client never saw the connection end")
	}
}

func TestSecondStartAndListenError(t *testing.T) {
	a := startUpstream(t, "upstream-a")
	gw, port := startedGateway(t, a.port)
	if err := gw.Start(); !errors.Is(err, weir.ErrState) {
		t.Fatalf("second Start: %v", err)
	}
	mustGet(t, port, "/")

	// 192.0.2.1 (TEST-NET-1, RFC 5737) is not an address of this host.
	cfg := configFor(freePort(t), a.port)
	cfg["listeners"].([]any)[0].(map[string]any)["address"] = "192.0.2.1"
	other, err := weir.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = other.Start()
	if !errors.Is(err, weir.ErrListen) || !strings.Contains(err.Error(), "192.0.2.1") {
		t.Fatalf("listen on a foreign address: %v", err)
	}
}

func TestCloseAndUseAfterClose(t *testing.T) {
	a := startUpstream(t, "upstream-a")
	gw, port := startedGateway(t, a.port)
	mustGet(t, port, "/")
	gw.Close()
	if !refused(port) {
		t.Fatal("Close did not stop the running gateway")
	}
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Start":    gw.Start,
		"Reload":   func() error { return gw.Reload(configFor(port, a.port)) },
		"Shutdown": func() error { return gw.Shutdown(context.Background()) },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, weir.ErrState) || !strings.Contains(err.Error(), "closed") {
			t.Fatalf("%s after Close: %v", name, err)
		}
	}
	var nilGateway *weir.Gateway
	if err := nilGateway.Start(); !errors.Is(err, weir.ErrInvalid) {
		t.Fatalf("Start on a nil *Gateway: %v", err)
	}
}

func TestNewFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gateway.json")
	bad := `{"listeners":[{"name":"p","address":"127.0.0.1","port":1}],` +
		`"upstreams":{"o":{"endpoints":[{"address":"127.0.0.1:2"}]}},` +
		`"routes":[{"name":"r","match":{"prefix":"/"},"upstream":"missing"}]}`
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := weir.NewFromFile(path); !errors.Is(err, weir.ErrConfig) ||
		!strings.Contains(err.Error(), "routes[0].upstream") {
		t.Fatalf("broken file: %v", err)
	}
	good := strings.Replace(bad, `"missing"`, `"o"`, 1)
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	gw, err := weir.NewFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gw.Close()
	_, err = weir.NewFromFile(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, weir.ErrConfig) && !errors.Is(err, weir.ErrIO) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestConcurrentCallsOnOneGateway(t *testing.T) {
	a := startUpstream(t, "upstream-a")
	gw, port := startedGateway(t, a.port)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				err := gw.Reload(configFor(port, a.port))
				if errors.Is(err, weir.ErrState) {
					return // Close won the race: the expected refusal
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	mustGet(t, port, "/")
	gw.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestCyclesDoNotLeakFDs(t *testing.T) {
	a := startUpstream(t, "upstream-a")
	// A first cycle, so what the runtime and the library open once is open.
	gw, port := startedGateway(t, a.port)
	mustGet(t, port, "/")
	gw.Close()
	time.Sleep(100 * time.Millisecond)
	before := openFDs(t)

	for i := 0; i < 200; i++ {
		gw, err := weir.New(configFor(freePort(t), a.port))
		if err != nil {
			t.Fatal(err)
		}
		gw.Close()
	}
	for i := 0; i < 20; i++ {
		gw, port := startedGateway(t, a.port)
		mustGet(t, port, "/")
		if err := gw.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		gw.Close()
	}
	// The upstream closes its side of the gateway's pooled connections a
	// moment after the gateway does.
	var now int
	if !eventually(5*time.Second, func() bool { now = openFDs(t); return now <= before }) {
		t.Fatalf("open fds: %d before, %d after the cycles", before, now)
	}
}

func TestPortZeroIsReadBack(t *testing.T) {
	up := startUpstream(t, "upstream-p")
	gw, err := weir.New(configFor(0, up.port))
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	if _, err := gw.Port(0); !errors.Is(err, weir.ErrState) {
		t.Fatalf("Port before Start: %v, want ErrState", err)
	}
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	port, err := gw.Port(0)
	if err != nil || port <= 0 {
		t.Fatalf("Port(0) = %d, %v", port, err)
	}
	if body := mustGet(t, port, "/p"); body != "upstream-p GET /p" {
		t.Fatalf("through the kernel-chosen port: %q", body)
	}
	if _, err := gw.Port(1); !errors.Is(err, weir.ErrInvalid) {
		t.Fatalf("Port(1) with one listener: %v, want ErrInvalid", err)
	}
}

func TestSetEndpointsMovesTraffic(t *testing.T) {
	a, b := startUpstream(t, "upstream-a"), startUpstream(t, "upstream-b")
	gw, port := startedGateway(t, a.port)
	if body := mustGet(t, port, "/x"); body != "upstream-a GET /x" {
		t.Fatalf("before: %q", body)
	}
	if err := gw.SetEndpoints("o", []weir.Endpoint{{Address: fmt.Sprintf("127.0.0.1:%d", b.port), Weight: 1}}); err != nil {
		t.Fatal(err)
	}
	if !eventually(5*time.Second, func() bool { _, body, _ := get(port, "/y"); return strings.HasPrefix(body, "upstream-b") }) {
		t.Fatal("requests never reached the new endpoint")
	}
	err := gw.SetEndpoints("missing", []weir.Endpoint{{Address: "127.0.0.1:1", Weight: 1}})
	if !errors.Is(err, weir.ErrInvalid) || !strings.Contains(err.Error(), "unknown upstream") {
		t.Fatalf("unknown upstream: %v", err)
	}
	if err := gw.SetEndpoints("o", nil); !errors.Is(err, weir.ErrInvalid) {
		t.Fatalf("empty list: %v", err)
	}
}
