package weir

// Middleware written in Go: a type registered with RegisterMiddleware is
// usable as {"type": "<name>", ...options} in configurations of gateways
// created afterwards. Its factory builds one Middleware per config entry.

// #include <stdint.h>
// #include <stdlib.h>
// #include "weir.h"
import "C"

import (
	"fmt"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// Phase is the point of the exchange a hook runs at.
type Phase int

// The phases, in the order an exchange passes them.
const (
	PhaseRequest  Phase = C.WEIR_PHASE_REQUEST  // before the upstream; may answer or pause
	PhaseResponse Phase = C.WEIR_PHASE_RESPONSE // the response head, before it is sent
	PhaseLog      Phase = C.WEIR_PHASE_LOG      // once, when the exchange ended
)

func (p Phase) String() string {
	switch p {
	case PhaseRequest:
		return "request"
	case PhaseResponse:
		return "response"
	case PhaseLog:
		return "log"
	}
	return fmt.Sprintf("Phase(%d)", int(p))
}

// Middleware is one instance of a middleware type. weir's worker threads
// call its hooks, several at once for different exchanges, so what it
// shares between requests must be safe for concurrent use. A hook must not
// block: Pause the request and Resume it from a goroutine instead. Embed
// Base for the hooks a middleware does not need.
type Middleware interface {
	OnRequest(r *Request)
	OnResponse(r *Request)
	OnLog(r *Request)
}

// Base has empty hooks, to embed in a Middleware.
type Base struct{}

func (Base) OnRequest(*Request)  {}
func (Base) OnResponse(*Request) {}
func (Base) OnLog(*Request)      {}

// Factory builds a Middleware from its config entry (the JSON object, with
// "type" and "name"). It runs when a gateway is created or reloaded. An
// error refuses the configuration; name the option first, as in
// "tokens: expected an object", and weir puts the entry's path in front.
type Factory func(options []byte) (Middleware, error)

type registration struct {
	factory Factory
}

// RegisterMiddleware makes typ (1..64 of [A-Za-z0-9_.-]) a middleware type
// for configurations of gateways created afterwards. Registering a name
// again replaces it for later configurations.
func RegisterMiddleware(typ string, factory Factory) error {
	if factory == nil {
		return &Error{Op: "register", Status: ErrInvalid, Message: "factory is nil"}
	}
	h := cgo.NewHandle(&registration{factory: factory})
	if st := registerC(typ, uintptr(h), 7); st != statusOK {
		h.Delete()
		return &Error{Op: "register", Status: st, Message: fmt.Sprintf("middleware type %q", typ)}
	}
	// The handle is never deleted: a gateway being created on another
	// goroutine may still call a replaced registration's factory.
	return nil
}

// Request is one exchange as a hook or a resume function sees it. It is
// valid only during that call; afterwards its methods report ErrState (or
// return empty values).
type Request struct {
	p *C.weir_request_t
}

// ExchangeInfo is what the log phase knows about a finished exchange.
type ExchangeInfo struct {
	Status     int
	Aborted    bool          // the connection closed before the response was complete
	BytesIn    uint64        // request body bytes read
	BytesOut   uint64        // bytes written to the client
	Duration   time.Duration // from the request's first byte to the end
	UpstreamAt time.Duration // from the first byte to the upstream's response head; 0 without
	Start      time.Time
	Upstream   string // the upstream endpoint's address
	Retries    int
	Reason     string // why the gateway answered itself ("aborted", ...)
}

func goString(s C.weir_str) string {
	if s.len == 0 {
		return ""
	}
	return C.GoStringN(s.ptr, C.int(s.len))
}

func (r *Request) fail(op string, st C.weir_status) error {
	if Status(st) == statusOK {
		return nil
	}
	return &Error{Op: op, Status: Status(st)}
}

var errGone = &Error{Op: "request", Status: ErrState, Message: "the request is only valid during its callback"}

// Phase is the phase the request is in.
func (r *Request) Phase() Phase { return Phase(C.weir_request_phase(r.p)) }

// Method is the request method ("GET").
func (r *Request) Method() string { return goString(C.weir_request_method(r.p)) }

// Path is the normalised path as received, without the query.
func (r *Request) Path() string { return goString(C.weir_request_path(r.p)) }

// Query is the query string, without '?'.
func (r *Request) Query() string { return goString(C.weir_request_query(r.p)) }

// Route is the matched route's name.
func (r *Request) Route() string { return goString(C.weir_request_route(r.p)) }

// ClientIP is the client's address.
func (r *Request) ClientIP() string { return goString(C.weir_request_client_ip(r.p)) }

// RequestID is the exchange's id, as logged and in error bodies.
func (r *Request) RequestID() string { return goString(C.weir_request_request_id(r.p)) }

// ResponseStatus is the response status in the response and log phases, else 0.
func (r *Request) ResponseStatus() int { return int(C.weir_request_response_status(r.p)) }

type lookupFn func(*C.weir_request_t, *C.char, *C.weir_str) C.weir_status

func (r *Request) lookup(fn lookupFn, key string) (string, bool) {
	if r.p == nil {
		return "", false
	}
	ckey := C.CString(key)
	defer C.free(unsafe.Pointer(ckey))
	var out C.weir_str
	if fn(r.p, ckey, &out) != C.WEIR_OK {
		return "", false
	}
	return goString(out), true
}

// Header is the first request header name (any case) as the client sent it.
func (r *Request) Header(name string) (string, bool) {
	return r.lookup(func(p *C.weir_request_t, k *C.char, o *C.weir_str) C.weir_status {
		return C.weir_request_header(p, k, o)
	}, name)
}

// Headers are the request headers as received, in order.
func (r *Request) Headers() [][2]string {
	n := int(C.weir_request_header_count(r.p))
	out := make([][2]string, 0, n)
	var name, value C.weir_str
	for i := 0; i < n; i++ {
		if C.weir_request_header_at(r.p, C.size_t(i), &name, &value) == C.WEIR_OK {
			out = append(out, [2]string{goString(name), goString(value)})
		}
	}
	return out
}

// Param is the route parameter name ("id" of "/users/:id").
func (r *Request) Param(name string) (string, bool) {
	return r.lookup(func(p *C.weir_request_t, k *C.char, o *C.weir_str) C.weir_status {
		return C.weir_request_param(p, k, o)
	}, name)
}

// Value is an exchange value set by a middleware ("consumer").
func (r *Request) Value(key string) (string, bool) {
	return r.lookup(func(p *C.weir_request_t, k *C.char, o *C.weir_str) C.weir_status {
		return C.weir_request_value(p, k, o)
	}, key)
}

// Exchange is the log phase's facts; nil in the other phases.
func (r *Request) Exchange() *ExchangeInfo {
	x := C.weir_request_exchange(r.p)
	if x == nil {
		return nil
	}
	return &ExchangeInfo{
		Status: int(x.status), Aborted: x.aborted != 0, BytesIn: uint64(x.bytes_in),
		BytesOut: uint64(x.bytes_out), Duration: time.Duration(x.duration_us) * time.Microsecond,
		UpstreamAt: time.Duration(x.upstream_us) * time.Microsecond,
		Start:      time.UnixMilli(int64(x.start_ms)), Upstream: goString(x.upstream),
		Retries: int(x.retries), Reason: goString(x.reason),
	}
}

type editFn func(*C.weir_request_t, *C.char, *C.char) C.weir_status

func (r *Request) edit(op string, fn editFn, a, b string) error {
	if r.p == nil {
		return errGone
	}
	ca, cb := C.CString(a), C.CString(b)
	defer C.free(unsafe.Pointer(ca))
	defer C.free(unsafe.Pointer(cb))
	return r.fail(op, fn(r.p, ca, cb))
}

// SetHeader replaces a request header sent upstream (request phase).
func (r *Request) SetHeader(name, value string) error {
	return r.edit("set header", func(p *C.weir_request_t, a, b *C.char) C.weir_status {
		return C.weir_request_set_header(p, a, b)
	}, name, value)
}

// AddHeader appends a request header sent upstream (request phase).
func (r *Request) AddHeader(name, value string) error {
	return r.edit("add header", func(p *C.weir_request_t, a, b *C.char) C.weir_status {
		return C.weir_request_add_header(p, a, b)
	}, name, value)
}

// RemoveHeader drops a request header before it goes upstream (request phase).
func (r *Request) RemoveHeader(name string) error {
	return r.edit("remove header", func(p *C.weir_request_t, a, _ *C.char) C.weir_status {
		return C.weir_request_remove_header(p, a)
	}, name, "")
}

// SetResponseHeader replaces a response header (request and response phases).
func (r *Request) SetResponseHeader(name, value string) error {
	return r.edit("set response header", func(p *C.weir_request_t, a, b *C.char) C.weir_status {
		return C.weir_request_set_response_header(p, a, b)
	}, name, value)
}

// AddResponseHeader appends a response header (request and response phases).
func (r *Request) AddResponseHeader(name, value string) error {
	return r.edit("add response header", func(p *C.weir_request_t, a, b *C.char) C.weir_status {
		return C.weir_request_add_response_header(p, a, b)
	}, name, value)
}

// RemoveResponseHeader drops a response header (request and response phases).
func (r *Request) RemoveResponseHeader(name string) error {
	return r.edit("remove response header", func(p *C.weir_request_t, a, _ *C.char) C.weir_status {
		return C.weir_request_remove_response_header(p, a)
	}, name, "")
}

// SetPath sets the path sent upstream, the query kept (request phase).
func (r *Request) SetPath(path string) error {
	return r.edit("set path", func(p *C.weir_request_t, a, _ *C.char) C.weir_status {
		return C.weir_request_set_path(p, a)
	}, path, "")
}

// SetUpstream proxies to the configuration's upstream name (request
// phase); ErrNotFound when there is none.
func (r *Request) SetUpstream(name string) error {
	return r.edit("set upstream", func(p *C.weir_request_t, a, _ *C.char) C.weir_status {
		return C.weir_request_set_upstream(p, a)
	}, name, "")
}

// SetEndpoint prefers the endpoint with this address ("IP:port") of the
// chosen upstream for the first try (request phase); the policy picks when
// it is absent or unavailable, and for retries.
func (r *Request) SetEndpoint(address string) error {
	return r.edit("set endpoint", func(p *C.weir_request_t, a, _ *C.char) C.weir_status {
		return C.weir_request_set_endpoint(p, a)
	}, address, "")
}

// SetValue sets a small exchange value for later middleware and the access log.
func (r *Request) SetValue(key, value string) error {
	return r.edit("set value", func(p *C.weir_request_t, a, b *C.char) C.weir_status {
		return C.weir_request_set_value(p, a, b)
	}, key, value)
}

// Respond answers locally (request phase): the upstream is not contacted.
func (r *Request) Respond(status int, body []byte) error {
	if r.p == nil {
		return errGone
	}
	if status < 0 || status > 0xffff {
		return &Error{Op: "respond", Status: ErrInvalid, Message: "status out of range"}
	}
	var ptr *C.char
	if len(body) > 0 {
		ptr = (*C.char)(C.CBytes(body))
		defer C.free(unsafe.Pointer(ptr))
	}
	return r.fail("respond", C.weir_request_respond(r.p, C.uint16_t(status), ptr, C.size_t(len(body))))
}

// RespondError answers with the gateway's JSON error body (request phase).
func (r *Request) RespondError(status int, message string) error {
	if status < 0 || status > 0xffff {
		return &Error{Op: "respond", Status: ErrInvalid, Message: "status out of range"}
	}
	return r.edit("respond", func(p *C.weir_request_t, a, _ *C.char) C.weir_status {
		return C.weir_request_respond_error(p, C.uint16_t(status), a)
	}, message, "")
}

// Pause makes the exchange wait, with the hooks after this one, until the
// Pause is resumed (request phase, or the response phase of an upstream's
// response). The route's timeout_ms bounds the wait.
func (r *Request) Pause() (*Pause, error) {
	if r.p == nil {
		return nil, errGone
	}
	var p *C.weir_pause_t
	if err := r.fail("pause", C.weir_request_pause(r.p, &p)); err != nil {
		return nil, err
	}
	return &Pause{p: p}, nil
}

// PauseFor makes the exchange wait d (1 ms .. 10 min), then continue by itself.
func (r *Request) PauseFor(d time.Duration) error {
	if r.p == nil {
		return errGone
	}
	ms := d.Milliseconds()
	if ms < 1 || ms > 600000 {
		return &Error{Op: "pause", Status: ErrInvalid, Message: "duration out of range"}
	}
	return r.fail("pause", C.weir_request_pause_for(r.p, C.uint32_t(ms)))
}

// Pause is a paused exchange; Resume it once, from any goroutine.
type Pause struct {
	mu sync.Mutex
	p  *C.weir_pause_t
}

// Resume continues the exchange on its worker thread, running fn there
// first with the request (it may edit, respond or pause again); fn may be
// nil. When the exchange is gone (the client left, the pause timed out, the
// gateway stopped) fn is not called. A second Resume returns ErrState.
func (p *Pause) Resume(fn func(*Request)) error {
	p.mu.Lock()
	cp := p.p
	p.p = nil
	p.mu.Unlock()
	if cp == nil {
		return &Error{Op: "resume", Status: ErrState, Message: "already resumed"}
	}
	h := cgo.NewHandle(fn)
	// weir calls back exactly once (with the request, or nil when the
	// exchange is gone), and that call deletes the handle.
	if st := resumeC(cp, uintptr(h)); st != statusOK {
		return &Error{Op: "resume", Status: st}
	}
	return nil
}
