package weir

// #include <stdlib.h>
// #include "weir.h"
import "C"

import "unsafe"

// Endpoint is one upstream endpoint: "host:port" or "[v6]:port", weight 1..10000.
type Endpoint struct {
	Address string
	Weight  uint32
}

// SetEndpoints replaces the endpoints of an upstream while the gateway runs
// (add, remove, re-weight). Requests in flight finish where they are; removed
// endpoints drain. A later Reload replaces them with the configuration's.
func (g *Gateway) SetEndpoints(upstream string, endpoints []Endpoint) error {
	// The array and its strings live in C memory for the call: cgo forbids
	// passing Go memory that holds Go pointers.
	n := len(endpoints)
	size := C.size_t(n) * C.size_t(unsafe.Sizeof(C.weir_endpoint{}))
	if size == 0 {
		size = 1
	}
	arr := (*C.weir_endpoint)(C.malloc(size))
	defer C.free(unsafe.Pointer(arr))
	items := unsafe.Slice(arr, n)
	for i, e := range endpoints {
		items[i].address = C.CString(e.Address)
		items[i].weight = C.uint32_t(e.Weight)
	}
	defer func() {
		for i := range items {
			C.free(unsafe.Pointer(items[i].address))
		}
	}()
	name := C.CString(upstream)
	defer C.free(unsafe.Pointer(name))
	return g.call("set_endpoints", func(h *C.weir_gateway_t) C.weir_status {
		return C.weir_gateway_set_endpoints(h, name, arr, C.size_t(n))
	})
}
