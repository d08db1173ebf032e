package peers

import (
	"testing"
)

func load(b *testing.B, name string) []Line {
	b.Helper()
	file, err := DataFile(name)
	if err != nil {
		b.Fatal(err)
	}
	lines, err := ReadLines(file)
	if err != nil {
		b.Fatal(err)
	}
	return lines
}

// One op is one lookup; requests are cycled as in router_bench.
func runLookups(b *testing.B, h *HostRouter, reqs []Line, wantHit bool) {
	b.ReportAllocs()
	b.ResetTimer()
	wrong := 0
	for i, j := 0, 0; i < b.N; i++ {
		r := &reqs[j]
		hit, ps := h.Lookup(r.Method, r.Host, r.Path)
		_ = ps
		if hit != wantHit {
			wrong++
		}
		if j++; j == len(reqs) {
			j = 0
		}
	}
	b.StopTimer()
	if wrong != 0 {
		b.Fatalf("%d lookups gave the wrong hit/miss result", wrong)
	}
}

func BenchmarkApi10kBuild(b *testing.B) {
	routes := load(b, "api_10k.routes")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		NewHostRouter(routes)
	}
}

func BenchmarkApi10kHit(b *testing.B) {
	h := NewHostRouter(load(b, "api_10k.routes"))
	runLookups(b, h, load(b, "api_10k_hits.requests"), true)
}

func BenchmarkApi10kMiss(b *testing.B) {
	h := NewHostRouter(load(b, "api_10k.routes"))
	runLookups(b, h, load(b, "api_10k_misses.requests"), false)
}

func BenchmarkGithubBuild(b *testing.B) {
	routes := load(b, "github.routes")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		NewHostRouter(routes)
	}
}

func BenchmarkGithubAll(b *testing.B) {
	h := NewHostRouter(load(b, "github.routes"))
	runLookups(b, h, load(b, "github_hits.requests"), true)
}

func BenchmarkGithubStatic(b *testing.B) {
	h := NewHostRouter(load(b, "github.routes"))
	runLookups(b, h, []Line{{Method: "GET", Path: "/user/repos"}}, true)
}

func BenchmarkGithubParam(b *testing.B) {
	h := NewHostRouter(load(b, "github.routes"))
	runLookups(b, h, []Line{{Method: "GET", Path: "/repos/julienschmidt/httprouter/stargazers"}}, true)
}
