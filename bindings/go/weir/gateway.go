package weir

// #include <stdlib.h>
// #include "weir.h"
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"time"
	"unsafe"
)

// DefaultDrain is how long Shutdown lets requests in flight finish when its
// context has no deadline.
const DefaultDrain = 5 * time.Second

// Gateway is one weir gateway. Create it with New, run it with Start, stop
// it with Shutdown and free it with Close. A stopped gateway cannot start
// again.
//
// Close is required: the C handle is not freed by the garbage collector,
// so a started gateway that is merely dropped keeps serving.
type Gateway struct {
	mu sync.Mutex // one C call at a time: the handle and its last error are not shared
	h  *C.weir_gateway_t
}

// New creates a gateway from a JSON configuration: a string or []byte
// holding the JSON text (json.RawMessage too), or any other value, which is
// encoded with encoding/json (a map[string]any or a struct).
func New(config any) (*Gateway, error) {
	text, err := configText("new", config)
	if err != nil {
		return nil, err
	}
	var h *C.weir_gateway_t
	ptr, n := cBytes(text)
	st := Status(C.weir_gateway_create(ptr, n, &h))
	return created("new", st, h)
}

// NewFromFile creates a gateway from a JSON configuration file.
func NewFromFile(path string) (*Gateway, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var h *C.weir_gateway_t
	st := Status(C.weir_gateway_create_from_file(cpath, &h))
	return created("new", st, h)
}

// Start runs the gateway on worker threads that weir owns and returns once
// every listener is bound (ErrListen when one cannot be).
func (g *Gateway) Start() error {
	return g.call("start", func(h *C.weir_gateway_t) C.weir_status {
		return C.weir_gateway_start(h)
	})
}

// Reload replaces the configuration (same forms as New). Requests in flight
// finish on the old one; on ErrConfig the running configuration stays.
func (g *Gateway) Reload(config any) error {
	text, err := configText("reload", config)
	if err != nil {
		return err
	}
	return g.call("reload", func(h *C.weir_gateway_t) C.weir_status {
		ptr, n := cBytes(text)
		return C.weir_gateway_reload(h, ptr, n)
	})
}

// Shutdown stops accepting connections, lets requests in flight finish until
// ctx's deadline (DefaultDrain when it has none; none at all when ctx is
// already done), closes the rest and returns when the gateway has stopped.
// The C call cannot be interrupted, so a cancellation without a deadline
// does not shorten the drain. Shutting down a stopped gateway does nothing.
func (g *Gateway) Shutdown(ctx context.Context) error {
	drain := drainMillis(ctx)
	return g.call("shutdown", func(h *C.weir_gateway_t) C.weir_status {
		return C.weir_gateway_stop(h, C.uint32_t(drain))
	})
}

// Port returns the port listener index (in configuration order) is bound to
// once the gateway runs; with "port": 0 the kernel chose it.
func (g *Gateway) Port(index int) (int, error) {
	var port C.uint16_t
	err := g.call("port", func(h *C.weir_gateway_t) C.weir_status {
		if index < 0 {
			return C.WEIR_EINVAL
		}
		return C.weir_gateway_listener_port(h, C.size_t(index), &port)
	})
	return int(port), err
}

// Close frees the gateway, stopping it first without a drain if it is
// running. Calling it again does nothing; other methods then return an
// error that is ErrState. It returns nil; the error is there for io.Closer.
func (g *Gateway) Close() error {
	if g == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h != nil {
		C.weir_gateway_destroy(g.h)
		g.h = nil
	}
	return nil
}

// call runs one C function on the handle under the lock and turns a failed
// status into an *Error with the handle's message, read before any other
// call can replace it.
func (g *Gateway) call(op string, fn func(*C.weir_gateway_t) C.weir_status) error {
	if g == nil {
		return &Error{Op: op, Status: ErrInvalid, Message: "nil *Gateway"}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.h == nil {
		return &Error{Op: op, Status: ErrState, Message: "the gateway is closed"}
	}
	st := Status(fn(g.h))
	if st == statusOK {
		return nil
	}
	return &Error{Op: op, Status: st, Message: C.GoString(C.weir_gateway_last_error(g.h))}
}

// created wraps a successful create's handle; a failed create still returns a
// handle holding the message (or NULL), which is read and then freed.
func created(op string, st Status, h *C.weir_gateway_t) (*Gateway, error) {
	if st == statusOK {
		return &Gateway{h: h}, nil
	}
	msg := ""
	if h != nil {
		msg = C.GoString(C.weir_gateway_last_error(h))
		C.weir_gateway_destroy(h)
	}
	return nil, &Error{Op: op, Status: st, Message: msg}
}

func configText(op string, config any) ([]byte, error) {
	switch c := config.(type) {
	case nil:
		return nil, &Error{Op: op, Status: ErrInvalid, Message: "config is nil"}
	case string:
		return []byte(c), nil
	case []byte:
		return c, nil
	case json.RawMessage:
		return c, nil
	default:
		text, err := json.Marshal(c)
		if err != nil {
			return nil, &Error{Op: op, Status: ErrInvalid,
				Message: fmt.Sprintf("config cannot be encoded as JSON: %v", err)}
		}
		return text, nil
	}
}

// cBytes points C at the Go bytes for the duration of a call (the C ABI
// copies what it keeps). An empty text still gets a non-NULL pointer, since
// NULL means "no configuration" to the C ABI.
func cBytes(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		b = []byte{0}
		return (*C.char)(unsafe.Pointer(&b[0])), 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

func drainMillis(ctx context.Context) uint32 {
	if ctx.Err() != nil {
		return 0
	}
	left := DefaultDrain
	if deadline, ok := ctx.Deadline(); ok {
		left = time.Until(deadline)
	}
	ms := left.Milliseconds()
	switch {
	case ms < 0:
		return 0
	case ms > math.MaxUint32:
		return math.MaxUint32
	default:
		return uint32(ms)
	}
}
