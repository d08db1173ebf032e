package weir_test

// Go middleware (weir.RegisterMiddleware) in gateways configured from Go,
// with real requests through them (net/http) to a net/http upstream that
// echoes what it received: authentication, a local answer, a pause resumed
// from a goroutine, a panicking hook, option errors and what a hook reads.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"weir.dev/weir"
)

// echoUpstream answers "PATH?QUERY" and then the request's x-* headers, one
// "name: value" line each, sorted.
func echoUpstream(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: ioTimeout, Handler: http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			lines := []string{}
			for name, values := range r.Header {
				if strings.HasPrefix(strings.ToLower(name), "x-") {
					lines = append(lines, strings.ToLower(name)+": "+strings.Join(values, ","))
				}
			}
			sort.Strings(lines)
			fmt.Fprintf(w, "%s\n%s", r.URL.RequestURI(), strings.Join(lines, "\n"))
		})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// tokenAuth: x-api-token to consumer from its options; 401 otherwise.
type tokenAuth struct {
	weir.Base
	tokens map[string]string
}

func (a *tokenAuth) OnRequest(r *weir.Request) {
	token, _ := r.Header("x-api-token")
	consumer, ok := a.tokens[token]
	if !ok {
		r.RespondError(401, "missing or unknown token")
		return
	}
	r.SetValue("consumer", consumer)
	r.RemoveHeader("x-api-token")
	r.SetHeader("x-consumer", consumer)
}

// teapot answers /teapot itself and marks every response it sees.
type teapot struct{ weir.Base }

func (teapot) OnRequest(r *weir.Request) {
	if r.Path() == "/teapot" {
		r.Respond(418, []byte("short and stout\n"))
	}
}

func (teapot) OnResponse(r *weir.Request) {
	r.AddResponseHeader("x-teapot-saw", fmt.Sprint(r.ResponseStatus()))
}

// slowCheck pauses every request and resumes it from a goroutine.
type slowCheck struct{ weir.Base }

func (slowCheck) OnRequest(r *weir.Request) {
	p, err := r.Pause()
	if err != nil {
		r.RespondError(500, err.Error())
		return
	}
	deny := r.Query() == "deny"
	time.AfterFunc(20*time.Millisecond, func() {
		p.Resume(func(r *weir.Request) {
			r.SetHeader("x-resumed", "1")
			if deny {
				r.RespondError(403, "denied after the check")
			}
		})
		if err := p.Resume(nil); !errors.Is(err, weir.ErrState) {
			panic("a second Resume must fail")
		}
	})
}

type panicky struct{ weir.Base }

func (panicky) OnRequest(r *weir.Request) {
	if r.Path() == "/boom" {
		panic("a bug in the hook")
	}
}

// recorder remembers what its hooks read, by path.
type recorder struct {
	weir.Base
	mu   sync.Mutex
	seen map[string]map[string]any
	kept *weir.Request
}

func (rc *recorder) OnRequest(r *weir.Request) {
	param, _ := r.Param("id")
	consumer, _ := r.Value("consumer")
	_, absent := r.Header("x-absent")
	facts := map[string]any{"phase": r.Phase(), "method": r.Method(), "query": r.Query(),
		"route": r.Route(), "client": r.ClientIP(), "id": r.RequestID(), "param": param,
		"consumer": consumer, "absent": absent, "headers": r.Headers(),
		"badName":     errors.Is(r.SetHeader("bad name", "x"), weir.ErrInvalid),
		"noUpstr":     errors.Is(r.SetUpstream("nowhere"), weir.ErrNotFound),
		"badEndpoint": errors.Is(r.SetEndpoint(""), weir.ErrInvalid),
		"endpoint":    r.SetEndpoint("127.0.0.1:1") == nil}
	if strings.HasPrefix(r.Path(), "/v1/") {
		r.SetPath("/v2/" + strings.TrimPrefix(r.Path(), "/v1/"))
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.seen[r.Path()] = facts
	rc.kept = r
}

func (rc *recorder) OnLog(r *weir.Request) {
	x := r.Exchange()
	late := r.Respond(200, nil)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.seen["log:"+r.Path()] = map[string]any{"exchange": x, "late": late}
}

var (
	registerOnce sync.Once
	theRecorder  = &recorder{seen: map[string]map[string]any{}}
)

func registerTestTypes(t *testing.T) {
	t.Helper()
	registerOnce.Do(func() {
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(weir.RegisterMiddleware("go_token_auth", func(options []byte) (weir.Middleware, error) {
			var o struct {
				Tokens map[string]string `json:"tokens"`
			}
			if err := json.Unmarshal(options, &o); err != nil {
				return nil, fmt.Errorf("tokens: expected an object of token to consumer")
			}
			if o.Tokens == nil {
				return nil, fmt.Errorf("tokens: required")
			}
			return &tokenAuth{tokens: o.Tokens}, nil
		}))
		must(weir.RegisterMiddleware("go_teapot", func([]byte) (weir.Middleware, error) { return teapot{}, nil }))
		must(weir.RegisterMiddleware("go_slow_check", func([]byte) (weir.Middleware, error) { return slowCheck{}, nil }))
		must(weir.RegisterMiddleware("go_panicky", func([]byte) (weir.Middleware, error) { return panicky{}, nil }))
		must(weir.RegisterMiddleware("go_recorder", func([]byte) (weir.Middleware, error) { return theRecorder, nil }))
	})
}

func middlewareConfig(upstreamPort int, middleware ...map[string]any) map[string]any {
	cfg := configFor(0, upstreamPort)
	cfg["workers"] = 2
	mw := make([]any, len(middleware))
	for i, m := range middleware {
		mw[i] = m
	}
	cfg["middleware"] = mw
	cfg["routes"] = []any{
		map[string]any{"name": "users", "match": map[string]any{"path": "/users/:id"}, "upstream": "o"},
		map[string]any{"name": "all", "match": map[string]any{"prefix": "/"}, "upstream": "o", "timeout_ms": 30000},
	}
	return cfg
}

func serveWith(t *testing.T, middleware ...map[string]any) int {
	t.Helper()
	registerTestTypes(t)
	gw, err := weir.New(middlewareConfig(echoUpstream(t), middleware...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Close() })
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	port, err := gw.Port(0)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func request(t *testing.T, port int, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d%s", port, path), nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{Timeout: ioTimeout}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestGoMiddlewareAuthenticates(t *testing.T) {
	port := serveWith(t, map[string]any{"type": "go_teapot"},
		map[string]any{"type": "go_token_auth", "tokens": map[string]string{"t-alice": "alice"}})
	resp, body := request(t, port, "/x", nil)
	if resp.StatusCode != 401 || !strings.Contains(body, "missing or unknown token") {
		t.Fatalf("no token: %d %q", resp.StatusCode, body)
	}
	resp, body = request(t, port, "/x", map[string]string{"x-api-token": "t-alice"})
	if resp.StatusCode != 200 || !strings.Contains(body, "x-consumer: alice") ||
		strings.Contains(body, "x-api-token") {
		t.Fatalf("with token: %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("x-teapot-saw"); got != "200" {
		t.Fatalf("response hook saw %q", got)
	}
}

func TestGoMiddlewareAnswersLocally(t *testing.T) {
	port := serveWith(t, map[string]any{"type": "go_teapot"},
		map[string]any{"type": "go_token_auth", "tokens": map[string]string{}})
	resp, body := request(t, port, "/teapot", nil)
	if resp.StatusCode != 418 || body != "short and stout\n" || resp.Header.Get("x-teapot-saw") != "418" {
		t.Fatalf("teapot: %d %q %v", resp.StatusCode, body, resp.Header)
	}
}

func TestGoMiddlewarePausesAndResumesFromAGoroutine(t *testing.T) {
	port := serveWith(t, map[string]any{"type": "go_slow_check"})
	var wg sync.WaitGroup
	bodies := make([]string, 6)
	for i := range bodies {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, bodies[i] = request(t, port, fmt.Sprintf("/p/%d", i), nil)
		}(i)
	}
	wg.Wait()
	for i, b := range bodies {
		if !strings.HasPrefix(b, fmt.Sprintf("/p/%d\n", i)) || !strings.Contains(b, "x-resumed: 1") {
			t.Fatalf("request %d: %q", i, b)
		}
	}
	resp, body := request(t, port, "/p?deny", nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "denied after the check") {
		t.Fatalf("deny: %d %q", resp.StatusCode, body)
	}
}

func TestGoMiddlewarePanicAnswers500(t *testing.T) {
	port := serveWith(t, map[string]any{"type": "go_panicky"})
	resp, body := request(t, port, "/boom", nil)
	if resp.StatusCode != 500 || !strings.Contains(body, "middleware failed") {
		t.Fatalf("boom: %d %q", resp.StatusCode, body)
	}
	if resp, _ := request(t, port, "/fine", nil); resp.StatusCode != 200 {
		t.Fatalf("after the panic: %d", resp.StatusCode)
	}
}

func TestGoMiddlewareOptionErrorsNameTheKey(t *testing.T) {
	registerTestTypes(t)
	for _, c := range []struct {
		entry map[string]any
		want  string
	}{
		{map[string]any{"type": "go_token_auth"}, "middleware[0].tokens: required"},
		{map[string]any{"type": "go_token_auth", "tokens": []int{1}}, "middleware[0].tokens: expected an object"},
	} {
		_, err := weir.New(middlewareConfig(1, c.entry))
		if !errors.Is(err, weir.ErrConfig) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.entry, err, c.want)
		}
	}
	if err := weir.RegisterMiddleware("bad type", func([]byte) (weir.Middleware, error) { return nil, nil }); !errors.Is(err, weir.ErrInvalid) {
		t.Errorf("bad type name: %v", err)
	}
}

func TestGoMiddlewareReadsTheRequest(t *testing.T) {
	port := serveWith(t, map[string]any{"type": "go_token_auth", "tokens": map[string]string{"t-bob": "bob"}},
		map[string]any{"type": "go_recorder"})
	request(t, port, "/users/42?x=1", map[string]string{"x-api-token": "t-bob", "x-extra": "yes"})
	_, body := request(t, port, "/v1/moved", map[string]string{"x-api-token": "t-bob"})
	if !strings.HasPrefix(body, "/v2/moved\n") {
		t.Fatalf("set path: %q", body)
	}
	theRecorder.mu.Lock()
	f := theRecorder.seen["/users/42"]
	kept := theRecorder.kept
	theRecorder.mu.Unlock()
	want := map[string]any{"phase": weir.PhaseRequest, "method": "GET", "query": "x=1", "route": "users",
		"client": "127.0.0.1", "param": "42", "consumer": "bob", "absent": false,
		"badName": true, "noUpstr": true, "badEndpoint": true, "endpoint": true}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s: got %v, want %v", k, f[k], v)
		}
	}
	if f["id"] == "" || !strings.Contains(fmt.Sprint(f["headers"]), "X-Extra yes") {
		t.Errorf("id %v, headers %v", f["id"], f["headers"])
	}
	var logged map[string]any
	if !eventually(5*time.Second, func() bool {
		theRecorder.mu.Lock()
		defer theRecorder.mu.Unlock()
		logged = theRecorder.seen["log:/users/42"]
		return logged != nil
	}) {
		t.Fatal("the log hook never ran")
	}
	if x := logged["exchange"].(*weir.ExchangeInfo); x == nil || x.Status != 200 || x.Aborted {
		t.Errorf("exchange %+v", x)
	}
	if err, _ := logged["late"].(error); !errors.Is(err, weir.ErrState) {
		t.Errorf("respond in the log phase: %v", logged["late"])
	}
	// A Request kept past its callback is dead, not dangling.
	if err := kept.SetHeader("x-late", "1"); !errors.Is(err, weir.ErrState) {
		t.Errorf("kept request: %v", err)
	}
	if kept.Path() != "" {
		t.Errorf("kept request still reads")
	}
}
