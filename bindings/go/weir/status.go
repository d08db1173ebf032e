package weir

// #include "weir.h"
import "C"

import "fmt"

// Status is a weir_status code of the C ABI. The failure codes are errors,
// so errors.Is(err, weir.ErrConfig) tells what kind of failure an *Error is.
type Status int

// The failure codes of WEIR_STATUS_MAP in capi/weir.h.
const (
	ErrInvalid  Status = C.WEIR_EINVAL    // an argument was invalid
	ErrConfig   Status = C.WEIR_ECONFIG   // the configuration was invalid
	ErrState    Status = C.WEIR_ESTATE    // not allowed in the gateway's state (or closed)
	ErrNoMem    Status = C.WEIR_ENOMEM    // out of memory
	ErrIO       Status = C.WEIR_EIO       // input/output error (a config file)
	ErrListen   Status = C.WEIR_ELISTEN   // an address could not be bound
	ErrInternal Status = C.WEIR_EINTERNAL // a bug in weir
	ErrTooSmall Status = C.WEIR_ETOOSMALL // a reply outgrew the binding's buffer every time
	ErrNotFound Status = C.WEIR_ENOTFOUND // no such header, parameter, value or upstream
)

// statusOK is WEIR_OK, never returned as an error.
const statusOK Status = C.WEIR_OK

// Error is the library's English text for the code (weir_status_str).
func (s Status) Error() string {
	return C.GoString(C.weir_status_str(C.weir_status(s)))
}

// Error is a failed call: the operation, its status and what the gateway
// said about it (its last error message, which names the key path of a
// configuration error).
type Error struct {
	Op      string // "new", "start", "reload", "shutdown", ...
	Status  Status
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("weir: %s: %s", e.Op, e.Status.Error())
	}
	return fmt.Sprintf("weir: %s: %s: %s", e.Op, e.Status.Error(), e.Message)
}

// Unwrap makes errors.Is(err, weir.ErrConfig) and the like work.
func (e *Error) Unwrap() error { return e.Status }
