"""Loads libweir and declares the C signature of every function the binding
calls (capi/weir.h), so ctypes converts and checks arguments instead of
guessing int for everything.

Where the library comes from, first match wins:
  1. the WEIR_LIB environment variable (a path to libweir.so);
  2. libweir.so next to this package, in the package folder or its parent
     (a build tree that holds both);
  3. the system's library search path (ctypes.util.find_library).
"""

import ctypes
import ctypes.util
import os


class GatewayHandle(ctypes.Structure):
    """The opaque weir_gateway_t; only pointers to it are ever used."""


GatewayPtr = ctypes.POINTER(GatewayHandle)


class Endpoint(ctypes.Structure):
    """weir_endpoint: an address and a weight."""
    _fields_ = [("address", ctypes.c_char_p), ("weight", ctypes.c_uint32)]

class Metrics(ctypes.Structure):
    """weir_metrics: the gateway's totals."""
    _fields_ = [("struct_size", ctypes.c_size_t)] + [
        (name, ctypes.c_uint64) for name in (
            "requests", "responses_1xx", "responses_2xx", "responses_3xx", "responses_4xx",
            "responses_5xx", "no_response", "gateway_errors", "upstream_requests",
            "upstream_errors", "retries", "connections_open", "connections_accepted",
            "bytes_received", "bytes_sent", "access_log_dropped")]


class UpstreamState(ctypes.Structure):
    """weir_upstream_state: an upstream's breaker and concurrency counts."""
    _fields_ = [("struct_size", ctypes.c_size_t), ("endpoint_count", ctypes.c_size_t),
                ("has_breaker", ctypes.c_int32), ("breaker", ctypes.c_int32)] + [
        (name, ctypes.c_uint32) for name in (
            "connections", "pending", "requests", "retries",
            "max_connections", "max_pending", "max_requests", "max_retries")]


class EndpointState(ctypes.Structure):
    """weir_endpoint_state: one endpoint's health and load."""
    _fields_ = [("address", ctypes.c_char_p), ("weight", ctypes.c_uint32),
                ("healthy", ctypes.c_int32), ("ejected", ctypes.c_int32),
                ("active_requests", ctypes.c_uint32)]


# weir_log_fn(void *user, weir_log_level level, const char *message, size_t len)
LogFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char),
                         ctypes.c_size_t)

# The C enum weir_status is an int.
_status = ctypes.c_int

# name: (restype, argtypes) of every function of capi/weir.h (a test checks
# that none is missing, so the binding grows with the ABI).
_SIGNATURES = {
    "weir_gateway_create": (_status, [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(GatewayPtr)]),
    "weir_gateway_create_from_file": (_status, [ctypes.c_char_p, ctypes.POINTER(GatewayPtr)]),
    "weir_gateway_start": (_status, [GatewayPtr]),
    # Declared for completeness, not exposed: Python has no uv_loop_t to give.
    "weir_gateway_attach": (_status, [GatewayPtr, ctypes.c_void_p]),
    "weir_gateway_reload": (_status, [GatewayPtr, ctypes.c_char_p, ctypes.c_size_t]),
    "weir_gateway_stop": (_status, [GatewayPtr, ctypes.c_uint32]),
    "weir_gateway_destroy": (None, [GatewayPtr]),
    "weir_gateway_set_endpoints": (_status, [GatewayPtr, ctypes.c_char_p,
                                            ctypes.POINTER(Endpoint), ctypes.c_size_t]),
    "weir_gateway_listener_port": (_status, [GatewayPtr, ctypes.c_size_t,
                                            ctypes.POINTER(ctypes.c_uint16)]),
    "weir_gateway_last_error": (ctypes.c_char_p, [GatewayPtr]),
    "weir_gateway_metrics": (_status, [GatewayPtr, ctypes.POINTER(Metrics)]),
    "weir_gateway_prometheus_text": (_status, [GatewayPtr, ctypes.c_char_p, ctypes.c_size_t,
                                              ctypes.POINTER(ctypes.c_size_t)]),
    "weir_gateway_upstream_state": (_status, [GatewayPtr, ctypes.c_char_p,
                                             ctypes.POINTER(UpstreamState),
                                             ctypes.POINTER(EndpointState), ctypes.c_size_t,
                                             ctypes.c_size_t]),
    "weir_set_log_callback": (_status, [LogFn, ctypes.c_void_p, ctypes.c_int]),
    "weir_reopen_logs": (_status, []),
    "weir_status_str": (ctypes.c_char_p, [_status]),
    "weir_version": (ctypes.c_char_p, []),
}


def _candidates():
    env = os.environ.get("WEIR_LIB")
    if env:
        # An explicit choice is never silently replaced by another library.
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    found = [os.path.join(d, "libweir.so") for d in (here, os.path.dirname(here))]
    found = [p for p in found if os.path.exists(p)]
    system = ctypes.util.find_library("weir")
    if system:
        found.append(system)
    return found


def load():
    """The CDLL with its signatures declared; ImportError says where it looked."""
    tried = []
    for path in _candidates():
        try:
            # CDLL (not PyDLL) releases the GIL for the duration of each call,
            # so a blocking weir_gateway_stop() does not stall other threads.
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path}: {e}")
            continue
        for name, (restype, argtypes) in _SIGNATURES.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        return lib
    where = "; ".join(tried) if tried else "no libweir.so next to the package or on the library path"
    raise ImportError(f"cannot load libweir ({where}); set WEIR_LIB to the path of libweir.so")


lib = load()
