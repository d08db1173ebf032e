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


class Str(ctypes.Structure):
    """weir_str: a borrowed view of `len` bytes at `ptr` (not NUL-terminated)."""
    _fields_ = [("ptr", ctypes.c_void_p), ("len", ctypes.c_size_t)]

    def text(self):
        return ctypes.string_at(self.ptr, self.len).decode("utf-8", "replace") if self.len else ""


class ExchangeInfo(ctypes.Structure):
    """weir_exchange_info: what the log phase knows about a finished exchange."""
    _fields_ = [("size", ctypes.c_size_t), ("status", ctypes.c_uint16), ("aborted", ctypes.c_int),
                ("bytes_in", ctypes.c_uint64), ("bytes_out", ctypes.c_uint64),
                ("duration_us", ctypes.c_uint64), ("upstream_us", ctypes.c_uint64),
                ("start_ms", ctypes.c_int64), ("upstream", Str), ("retries", ctypes.c_uint32),
                ("reason", Str)]


# Callback types of weir_middleware_type and weir_pause_resume. Requests,
# instances and pauses travel as plain pointers (c_void_p).
CREATE_FN = ctypes.CFUNCTYPE(_status, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                             ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p, ctypes.c_size_t)
DESTROY_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
HOOK_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
RESUME_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)


class MiddlewareType(ctypes.Structure):
    """weir_middleware_type; unset callbacks are NULL."""
    _fields_ = [("size", ctypes.c_size_t), ("create", CREATE_FN), ("destroy", DESTROY_FN),
                ("on_request", HOOK_FN), ("on_response", HOOK_FN), ("on_log", HOOK_FN)]


_req = ctypes.c_void_p
_cstr = ctypes.c_char_p
_str_out = ctypes.POINTER(Str)

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
    "weir_middleware_register": (_status, [_cstr, ctypes.POINTER(MiddlewareType), ctypes.c_void_p]),
    "weir_request_phase": (ctypes.c_int, [_req]),
    "weir_request_method": (Str, [_req]),
    "weir_request_path": (Str, [_req]),
    "weir_request_query": (Str, [_req]),
    "weir_request_route": (Str, [_req]),
    "weir_request_client_ip": (Str, [_req]),
    "weir_request_request_id": (Str, [_req]),
    "weir_request_header": (_status, [_req, _cstr, _str_out]),
    "weir_request_header_count": (ctypes.c_size_t, [_req]),
    "weir_request_header_at": (_status, [_req, ctypes.c_size_t, _str_out, _str_out]),
    "weir_request_param": (_status, [_req, _cstr, _str_out]),
    "weir_request_value": (_status, [_req, _cstr, _str_out]),
    "weir_request_response_status": (ctypes.c_uint16, [_req]),
    "weir_request_exchange": (ctypes.POINTER(ExchangeInfo), [_req]),
    "weir_request_set_header": (_status, [_req, _cstr, _cstr]),
    "weir_request_add_header": (_status, [_req, _cstr, _cstr]),
    "weir_request_remove_header": (_status, [_req, _cstr]),
    "weir_request_set_response_header": (_status, [_req, _cstr, _cstr]),
    "weir_request_add_response_header": (_status, [_req, _cstr, _cstr]),
    "weir_request_remove_response_header": (_status, [_req, _cstr]),
    "weir_request_set_path": (_status, [_req, _cstr]),
    "weir_request_set_upstream": (_status, [_req, _cstr]),
    "weir_request_set_endpoint": (_status, [_req, _cstr]),
    "weir_request_set_value": (_status, [_req, _cstr, _cstr]),
    "weir_request_respond": (_status, [_req, ctypes.c_uint16, _cstr, ctypes.c_size_t]),
    "weir_request_respond_error": (_status, [_req, ctypes.c_uint16, _cstr]),
    "weir_request_pause": (_status, [_req, ctypes.POINTER(ctypes.c_void_p)]),
    "weir_request_pause_for": (_status, [_req, ctypes.c_uint32]),
    "weir_pause_resume": (_status, [ctypes.c_void_p, RESUME_FN, ctypes.c_void_p]),
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
