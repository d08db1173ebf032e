package weir

// #include <stdlib.h>
// #include "weir.h"
import "C"

import (
	"errors"
	"unsafe"
)

// Metrics are the gateway's totals since it started (docs/observability.md).
type Metrics struct {
	Requests            uint64 // exchanges ended
	Responses1xx        uint64 // ... by the class of the status sent
	Responses2xx        uint64
	Responses3xx        uint64
	Responses4xx        uint64
	Responses5xx        uint64
	NoResponse          uint64 // ended before any response was sent
	GatewayErrors       uint64 // responses the gateway made itself
	UpstreamRequests    uint64 // exchanges relayed to an upstream endpoint
	UpstreamErrors      uint64 // ... of them ending with a 5xx
	Retries             uint64
	ConnectionsOpen     uint64
	ConnectionsAccepted uint64
	BytesReceived       uint64 // request body bytes
	BytesSent           uint64 // response bytes, heads included
	AccessLogDropped    uint64 // access log lines dropped (process-wide)
}

// Metrics reads the gateway's totals.
func (g *Gateway) Metrics() (Metrics, error) {
	var m C.weir_metrics
	m.struct_size = C.size_t(unsafe.Sizeof(m))
	err := g.call("metrics", func(h *C.weir_gateway_t) C.weir_status {
		return C.weir_gateway_metrics(h, &m)
	})
	return Metrics{
		Requests: uint64(m.requests), Responses1xx: uint64(m.responses_1xx),
		Responses2xx: uint64(m.responses_2xx), Responses3xx: uint64(m.responses_3xx),
		Responses4xx: uint64(m.responses_4xx), Responses5xx: uint64(m.responses_5xx),
		NoResponse: uint64(m.no_response), GatewayErrors: uint64(m.gateway_errors),
		UpstreamRequests: uint64(m.upstream_requests), UpstreamErrors: uint64(m.upstream_errors),
		Retries: uint64(m.retries), ConnectionsOpen: uint64(m.connections_open),
		ConnectionsAccepted: uint64(m.connections_accepted), BytesReceived: uint64(m.bytes_received),
		BytesSent: uint64(m.bytes_sent), AccessLogDropped: uint64(m.access_log_dropped),
	}, err
}

// growTries bounds the size-then-fill loops: a reply grows between the two
// calls only when new series or endpoints appear meanwhile.
const growTries = 4

// PrometheusText returns every metric in the Prometheus text format 0.0.4.
func (g *Gateway) PrometheusText() (string, error) {
	var n C.size_t
	err := g.call("prometheus_text", func(h *C.weir_gateway_t) C.weir_status {
		return C.weir_gateway_prometheus_text(h, nil, 0, &n)
	})
	for try := 0; try < growTries; try++ {
		if err != nil && !errors.Is(err, ErrTooSmall) {
			return "", err
		}
		size := n + 1 + 4096
		buf := (*C.char)(C.malloc(size))
		err = g.call("prometheus_text", func(h *C.weir_gateway_t) C.weir_status {
			return C.weir_gateway_prometheus_text(h, buf, size, &n)
		})
		if err == nil {
			text := C.GoStringN(buf, C.int(n))
			C.free(unsafe.Pointer(buf))
			return text, nil
		}
		C.free(unsafe.Pointer(buf))
	}
	return "", err
}

// EndpointState is one endpoint of an upstream now.
type EndpointState struct {
	Address        string
	Weight         uint32
	Healthy        bool // not marked down by active health checks
	Ejected        bool // kept out by outlier detection for a while
	ActiveRequests uint32
}

// UpstreamState is an upstream's endpoints and circuit breaker now.
type UpstreamState struct {
	Name       string
	HasBreaker bool
	Breaker    string // "closed", "open" or "half_open"
	// In use now and the limits (0: none) of the breaker's thresholds.
	Connections, Pending, Requests, Retries             uint32
	MaxConnections, MaxPending, MaxRequests, MaxRetries uint32
	Endpoints                                           []EndpointState
}

var breakerNames = map[C.int32_t]string{
	C.WEIR_BREAKER_CLOSED: "closed", C.WEIR_BREAKER_OPEN: "open", C.WEIR_BREAKER_HALF_OPEN: "half_open",
}

// UpstreamState reads upstream name of the running configuration; an error
// that is ErrInvalid for an unknown name.
func (g *Gateway) UpstreamState(name string) (UpstreamState, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var st C.weir_upstream_state
	st.struct_size = C.size_t(unsafe.Sizeof(st))
	epSize := C.size_t(unsafe.Sizeof(C.weir_endpoint_state{}))
	capacity := C.size_t(0)
	for try := 0; try < growTries; try++ {
		var arr *C.weir_endpoint_state
		if capacity > 0 {
			arr = (*C.weir_endpoint_state)(C.calloc(capacity, epSize))
		}
		var out UpstreamState
		err := g.call("upstream_state", func(h *C.weir_gateway_t) C.weir_status {
			s := C.weir_gateway_upstream_state(h, cname, &st, arr, capacity, epSize)
			if s == C.WEIR_OK {
				// The addresses belong to the handle until its next call:
				// copy them while the lock is held.
				for _, e := range unsafe.Slice(arr, int(st.endpoint_count)) {
					out.Endpoints = append(out.Endpoints, EndpointState{
						Address: C.GoString(e.address), Weight: uint32(e.weight),
						Healthy: e.healthy != 0, Ejected: e.ejected != 0,
						ActiveRequests: uint32(e.active_requests),
					})
				}
			}
			return s
		})
		if arr != nil {
			C.free(unsafe.Pointer(arr))
		}
		if errors.Is(err, ErrTooSmall) {
			capacity = st.endpoint_count
			continue
		}
		if err != nil {
			return UpstreamState{}, err
		}
		out.Name = name
		out.HasBreaker = st.has_breaker != 0
		out.Breaker = breakerNames[st.breaker]
		out.Connections, out.Pending = uint32(st.connections), uint32(st.pending)
		out.Requests, out.Retries = uint32(st.requests), uint32(st.retries)
		out.MaxConnections, out.MaxPending = uint32(st.max_connections), uint32(st.max_pending)
		out.MaxRequests, out.MaxRetries = uint32(st.max_requests), uint32(st.max_retries)
		return out, nil
	}
	return UpstreamState{}, &Error{Op: "upstream_state", Status: ErrTooSmall, Message: "the endpoint list kept growing"}
}

// ReopenLogs reopens every access log file of the process (log rotation:
// rename the file, call this, new lines go to a new file at the path).
func ReopenLogs() {
	C.weir_reopen_logs()
}
