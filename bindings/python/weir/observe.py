"""Observability through the C ABI: metrics totals, Prometheus text,
upstream state (used by Gateway's methods) and the process-wide log handler."""

import atexit
import ctypes
import enum
import sys
import threading

from ._lib import EndpointState, LogFn, Metrics, UpstreamState, lib
from .errors import Status, error_for

_BREAKER_STATES = {0: "closed", 1: "open", 2: "half_open"}
# Tries of the size query / fill loop of prometheus_text(): the text grows
# only when new series appear between the two calls.
_TEXT_TRIES = 4


class LogLevel(enum.IntEnum):
    """weir_log_level."""

    DEBUG = 0
    INFO = 1
    WARN = 2
    ERROR = 3


def metrics(call):
    """weir_metrics as a dict of ints."""
    out = Metrics()
    out.struct_size = ctypes.sizeof(Metrics)
    call(lib.weir_gateway_metrics, ctypes.byref(out))
    return {name: getattr(out, name) for name, _ in Metrics._fields_ if name != "struct_size"}


def prometheus_text(call_status):
    """The Prometheus text, asking for the size first and growing the buffer
    (bounded tries) when new series appeared in between."""
    length = ctypes.c_size_t(0)
    status, message = call_status(lib.weir_gateway_prometheus_text, None, 0, ctypes.byref(length))
    for _ in range(_TEXT_TRIES):
        if status not in (Status.OK, Status.ETOOSMALL):
            break
        cap = length.value + 1 + 4096
        buf = ctypes.create_string_buffer(cap)
        status, message = call_status(lib.weir_gateway_prometheus_text, buf, cap,
                                      ctypes.byref(length))
        if status == Status.OK:
            return buf.raw[:length.value].decode("utf-8", "replace")
    raise error_for(status, message)


def upstream_state(call_status, name):
    """weir_gateway_upstream_state as a dict."""
    state = UpstreamState()
    state.struct_size = ctypes.sizeof(UpstreamState)
    arr = (EndpointState * 1)()
    capacity = 0
    for _ in range(_TEXT_TRIES):
        status, message = call_status(lib.weir_gateway_upstream_state, name.encode(),
                                      ctypes.byref(state), arr if capacity else None, capacity,
                                      ctypes.sizeof(EndpointState))
        if status != Status.ETOOSMALL:
            break
        capacity = state.endpoint_count
        arr = (EndpointState * max(1, capacity))()
    if status != Status.OK:
        raise error_for(status, message)
    result = {name_: getattr(state, name_) for name_, _ in UpstreamState._fields_
              if name_ not in ("struct_size", "endpoint_count", "has_breaker", "breaker")}
    result["name"] = name
    result["has_breaker"] = bool(state.has_breaker)
    result["breaker"] = _BREAKER_STATES.get(state.breaker, "closed")
    result["endpoints"] = [{
        "address": arr[i].address.decode("utf-8", "replace"),
        "weight": arr[i].weight,
        "healthy": bool(arr[i].healthy),
        "ejected": bool(arr[i].ejected),
        "active_requests": arr[i].active_requests,
    } for i in range(state.endpoint_count)]
    return result


# The C callback in use; kept referenced so ctypes does not free its thunk
# while weir may call it. weir_set_log_callback() returns only once the old
# one can no longer run, so it is safe to drop then.
_log_lock = threading.Lock()
_log_thunk = None


def _level_of(level):
    if isinstance(level, str):
        try:
            return LogLevel[level.upper()]
        except KeyError:
            raise ValueError(f"unknown log level {level!r}") from None
    if isinstance(level, bool) or not isinstance(level, int) or level not in iter(LogLevel):
        raise ValueError(f"unknown log level {level!r}")
    return LogLevel(level)


def set_log_handler(handler, level=LogLevel.INFO):
    """Sends weir's log lines of `level` and above to handler(level, message)
    (a LogLevel and a str); None restores the default (stderr).

    The handler runs on weir's worker threads (ctypes takes the GIL for it),
    so it must be quick and thread-safe and must not call back into a
    Gateway (a stop() waiting for that worker would wait for ever). Its
    exceptions are printed and otherwise ignored."""
    global _log_thunk
    lvl = _level_of(level)
    if handler is not None and not callable(handler):
        raise TypeError("handler must be callable or None")
    if handler is None:
        thunk = LogFn()
    else:
        def call(_user, c_level, message, length):
            try:
                handler(LogLevel(c_level) if c_level in iter(LogLevel) else c_level,
                        ctypes.string_at(message, length).decode("utf-8", "replace"))
            except BaseException as e:  # never unwind into C
                try:
                    print(f"weir log handler failed: {e!r}", file=sys.stderr)
                except BaseException:
                    pass
        thunk = LogFn(call)
    with _log_lock:
        status = lib.weir_set_log_callback(thunk, None, int(lvl))
        if status != Status.OK:
            raise error_for(status, "weir_set_log_callback failed")
        _log_thunk = thunk if handler is not None else None


def reopen_logs():
    """Reopens every access log file of the process (log rotation)."""
    lib.weir_reopen_logs()


def _restore_default_logging():
    # Worker threads must not call into an interpreter that is shutting down.
    if _log_thunk is not None:
        lib.weir_set_log_callback(LogFn(), None, int(LogLevel.INFO))


atexit.register(_restore_default_logging)
