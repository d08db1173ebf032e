package weir_test

// Metrics, Prometheus text, upstream state and the log handler, checked
// against real requests through a started gateway.

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"weir.dev/weir"
)

func metricsWhen(t *testing.T, gw *weir.Gateway, pred func(weir.Metrics) bool) weir.Metrics {
	t.Helper()
	var m weir.Metrics
	ok := eventually(5*time.Second, func() bool {
		var err error
		m, err = gw.Metrics()
		if err != nil {
			t.Fatal(err)
		}
		return pred(m)
	})
	if !ok {
		t.Fatalf("metrics never matched: %+v", m)
	}
	return m
}

func TestMetricsCountRequests(t *testing.T) {
	up := startUpstream(t, "metered")
	gw, port := startedGateway(t, up.port)
	for i := 0; i < 3; i++ {
		mustGet(t, port, "/m")
	}
	m := metricsWhen(t, gw, func(m weir.Metrics) bool { return m.Requests == 3 && m.ConnectionsOpen == 0 })
	if m.Responses2xx != 3 || m.UpstreamRequests != 3 || m.UpstreamErrors != 0 ||
		m.ConnectionsAccepted != 3 || m.BytesSent == 0 {
		t.Fatalf("metrics: %+v", m)
	}
	text, err := gw.PrometheusText()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# TYPE weir_request_duration_seconds histogram\n",
		`weir_requests_total{route="all",status_class="2xx"} 3` + "\n",
		`weir_request_duration_seconds_bucket{route="all",le="+Inf"} 3` + "\n",
		fmt.Sprintf(`weir_upstream_requests_total{upstream="o",endpoint="127.0.0.1:%d"} 3`, up.port) + "\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("prometheus text lacks %q:\n%s", want, text)
		}
	}
}

func TestUpstreamState(t *testing.T) {
	up := startUpstream(t, "stateful")
	gw, port := startedGateway(t, up.port)
	done := make(chan struct{})
	go func() {
		defer close(done)
		get(port, "/slow/1500")
	}()
	select {
	case <-up.entered:
	case <-time.After(ioTimeout):
		t.Fatal("the slow request never reached the upstream")
	}
	var st weir.UpstreamState
	if !eventually(5*time.Second, func() bool {
		var err error
		st, err = gw.UpstreamState("o")
		return err == nil && len(st.Endpoints) == 1 && st.Endpoints[0].ActiveRequests == 1
	}) {
		t.Fatalf("upstream state: %+v", st)
	}
	ep := st.Endpoints[0]
	if ep.Address != fmt.Sprintf("127.0.0.1:%d", up.port) || ep.Weight != 1 || !ep.Healthy || ep.Ejected {
		t.Fatalf("endpoint: %+v", ep)
	}
	if st.Name != "o" || st.HasBreaker || st.Breaker != "closed" {
		t.Fatalf("upstream: %+v", st)
	}
	<-done
	if _, err := gw.UpstreamState("nope"); !errors.Is(err, weir.ErrInvalid) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown upstream: %v", err)
	}
}

func TestLogHandlerReceivesWorkerLines(t *testing.T) {
	up := startUpstream(t, "logged")
	var mu sync.Mutex
	var lines []string
	var levels []weir.LogLevel
	if err := weir.SetLogHandler(func(level weir.LogLevel, message string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, message)
		levels = append(levels, level)
	}, weir.LogInfo); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { weir.SetLogHandler(nil, weir.LogInfo) })
	port := freePort(t)
	cfg := configFor(port, up.port)
	cfg["routes"] = []any{map[string]any{"name": "api", "match": map[string]any{"prefix": "/api"}, "upstream": "o"}}
	gw, err := weir.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	if status, _, err := get(port, "/elsewhere"); err != nil || status != 404 {
		t.Fatalf("GET /elsewhere: %d %v", status, err)
	}
	found := func() int {
		mu.Lock()
		defer mu.Unlock()
		for i, l := range lines {
			if strings.Contains(l, "no route") {
				return i
			}
		}
		return -1
	}
	if !eventually(5*time.Second, func() bool { return found() >= 0 }) {
		t.Fatalf("no 'no route' line among %q", lines)
	}
	i := found()
	mu.Lock()
	level := levels[i]
	mu.Unlock()
	if level != weir.LogInfo {
		t.Fatalf("level %v", level)
	}
	if err := weir.SetLogHandler(nil, weir.LogLevel(9)); !errors.Is(err, weir.ErrInvalid) {
		t.Fatalf("bad level: %v", err)
	}
	// Back to stderr: the handler sees nothing more.
	if err := weir.SetLogHandler(nil, weir.LogInfo); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	seen := len(lines)
	mu.Unlock()
	get(port, "/elsewhere")
	metricsWhen(t, gw, func(m weir.Metrics) bool { return m.GatewayErrors == 2 })
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != seen {
		t.Fatalf("lines after the handler was removed: %q", lines[seen:])
	}
	weir.ReopenLogs()
}
