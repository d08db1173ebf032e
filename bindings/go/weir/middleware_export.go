package weir

// The Go functions that weir's worker threads call through the trampolines
// of middleware_cgo.go. Nothing may unwind into C: a panic in a hook is
// recovered, logged, and answered with 500 in the request phase.

// #include <stdint.h>
// #include <stdlib.h>
// #include "weir.h"
import "C"

import (
	"fmt"
	"log"
	"runtime/cgo"
	"unsafe"
)

//export goWeirCreate
func goWeirCreate(factory C.uintptr_t, json *C.char, n C.size_t, instance *C.uintptr_t,
	errBuf *C.char, errCap C.size_t) (st C.weir_status) {
	defer func() {
		if p := recover(); p != nil {
			writeErr(errBuf, errCap, fmt.Sprintf("(entry): the factory panicked: %v", p))
			st = C.WEIR_EINVAL
		}
	}()
	reg := cgo.Handle(factory).Value().(*registration)
	m, err := reg.factory(C.GoBytes(unsafe.Pointer(json), C.int(n)))
	if err == nil && m == nil {
		err = fmt.Errorf("(entry): the factory returned no middleware")
	}
	if err != nil {
		writeErr(errBuf, errCap, err.Error())
		return C.WEIR_EINVAL
	}
	*instance = C.uintptr_t(cgo.NewHandle(m))
	return C.WEIR_OK
}

//export goWeirDestroy
func goWeirDestroy(instance C.uintptr_t) {
	if instance != 0 {
		cgo.Handle(instance).Delete()
	}
}

//export goWeirHook
func goWeirHook(req *C.weir_request_t, instance C.uintptr_t, phase C.int) {
	m := cgo.Handle(instance).Value().(Middleware)
	run(req, Phase(phase), func(r *Request) {
		switch Phase(phase) {
		case PhaseRequest:
			m.OnRequest(r)
		case PhaseResponse:
			m.OnResponse(r)
		case PhaseLog:
			m.OnLog(r)
		}
	})
}

//export goWeirResume
func goWeirResume(req *C.weir_request_t, fn C.uintptr_t) {
	h := cgo.Handle(fn)
	f, _ := h.Value().(func(*Request))
	h.Delete()
	if req == nil || f == nil {
		return // the exchange is gone: the client left, the pause timed out, the gateway stopped
	}
	run(req, PhaseRequest, f)
}

// run calls f with a Request valid for the call only, and contains a panic.
func run(req *C.weir_request_t, phase Phase, f func(*Request)) {
	r := &Request{p: req}
	defer func() {
		r.p = nil
		if p := recover(); p != nil {
			log.Printf("weir: Go middleware panicked in the %s phase: %v", phase, p)
			if phase == PhaseRequest {
				msg := C.CString("middleware failed")
				C.weir_request_respond_error(req, 500, msg)
				C.free(unsafe.Pointer(msg))
			}
		}
	}()
	f(r)
}

func writeErr(buf *C.char, capacity C.size_t, msg string) {
	if capacity == 0 {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(capacity))
	n := copy(b[:len(b)-1], msg)
	b[n] = 0
}
