package weir

// The header comes from the source tree; the library's folder comes from
// CGO_LDFLAGS (-L...) because an uninstalled build has no pkg-config file on
// the search path.

// #cgo CFLAGS: -I${SRCDIR}/../../../capi
// #cgo LDFLAGS: -lweir
// #include "weir.h"
import "C"

// Version is the library's "MAJOR.MINOR.PATCH" at run time.
func Version() string {
	return C.GoString(C.weir_version())
}
