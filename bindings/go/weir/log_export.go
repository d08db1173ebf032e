package weir

// #include "weir.h"
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// weirGoLog is the weir_log_fn behind SetLogHandler; user is its cgo.Handle.
// (Its own file: a file with //export may only declare in its preamble.)
//
//export weirGoLog
func weirGoLog(user unsafe.Pointer, level C.weir_log_level, message *C.char, n C.size_t) {
	handler, ok := cgo.Handle(uintptr(user)).Value().(func(LogLevel, string))
	if !ok {
		return
	}
	defer func() { _ = recover() }() // a panicking handler must not unwind into C
	handler(LogLevel(level), C.GoStringN(message, C.int(n)))
}
