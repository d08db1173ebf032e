"""weir.Gateway: one weir_gateway_t handle, its life cycle and its errors."""

import ctypes
import json
import os
import threading

from . import observe
from ._lib import Endpoint, GatewayPtr, lib
from .errors import Status, StateError, error_for

DEFAULT_DRAIN_MS = 5000
_MAX_DRAIN_MS = 0xFFFFFFFF  # drain_ms is a uint32_t


def _config_bytes(config):
    """The JSON text of a configuration given as a dict, a str or bytes."""
    if isinstance(config, dict):
        return json.dumps(config).encode("utf-8")
    if isinstance(config, str):
        return config.encode("utf-8")
    if isinstance(config, (bytes, bytearray)):
        return bytes(config)
    raise TypeError(f"config must be a dict, str or bytes, not {type(config).__name__}")


def _last_error(handle):
    return lib.weir_gateway_last_error(handle).decode("utf-8", "replace")


def _created(status, handle):
    """The handle of a successful create; otherwise frees it and raises the
    error it held (a failed create still returns a handle with the message)."""
    if status == Status.OK:
        return handle
    message = _last_error(handle) if handle else ""
    lib.weir_gateway_destroy(handle)
    raise error_for(status, message)


class Gateway:
    """A gateway built from a JSON configuration (a dict, or its text).

    start() runs it on worker threads that weir owns; stop() drains and
    stops it; close() frees it. Used as a context manager it is started on
    enter and stopped and closed on exit. A stopped gateway cannot start
    again: create a new one.

    Methods may be called from any thread; calls on one gateway run one at a
    time (the C handle, and its last error message, are not shared between
    concurrent calls). weir's own threads call into Python only for
    middleware registered with weir.register_middleware().
    """

    def __init__(self, config):
        text = _config_bytes(config)
        handle = GatewayPtr()
        status = lib.weir_gateway_create(text, len(text), ctypes.byref(handle))
        self._init(_created(status, handle))

    @classmethod
    def from_file(cls, path):
        """A gateway from a JSON configuration file."""
        handle = GatewayPtr()
        status = lib.weir_gateway_create_from_file(os.fsencode(path), ctypes.byref(handle))
        gw = cls.__new__(cls)
        gw._init(_created(status, handle))
        return gw

    def _init(self, handle):
        self._lock = threading.Lock()
        self._handle = handle

    # --- life cycle ---

    def start(self):
        """Starts the worker threads; returns once every listener is bound.
        ListenError when an address cannot be bound, StateError when the
        gateway was started before."""
        self._call(lib.weir_gateway_start)

    def reload(self, config):
        """Replaces the configuration; requests in flight finish on the old
        one. On ConfigError the running configuration keeps serving."""
        text = _config_bytes(config)
        self._call(lib.weir_gateway_reload, text, len(text))

    def stop(self, drain_ms=DEFAULT_DRAIN_MS):
        """Stops accepting, lets in-flight exchanges finish for up to
        drain_ms milliseconds, closes the rest; returns when stopped. Stopping
        a stopped gateway does nothing."""
        if isinstance(drain_ms, bool) or not isinstance(drain_ms, int):
            raise TypeError("drain_ms must be an int")
        if not 0 <= drain_ms <= _MAX_DRAIN_MS:
            raise ValueError(f"drain_ms must be in [0, {_MAX_DRAIN_MS}]")
        self._call(lib.weir_gateway_stop, drain_ms)

    def set_endpoints(self, upstream, endpoints):
        """Replaces an upstream's endpoints while running: `endpoints` is a
        list of "host:port" strings or (address, weight) pairs. Requests in
        flight finish where they are; removed endpoints drain."""
        pairs = [(e, 1) if isinstance(e, str) else (e[0], e[1]) for e in endpoints]
        arr = (Endpoint * max(1, len(pairs)))()
        for i, (address, weight) in enumerate(pairs):
            if not isinstance(address, str) or isinstance(weight, bool) or not isinstance(weight, int):
                raise TypeError("endpoints are 'host:port' strings or (address, weight) pairs")
            if not 0 <= weight <= 0xFFFFFFFF:
                raise ValueError("weight out of range")
            arr[i].address = address.encode()
            arr[i].weight = weight
        self._call(lib.weir_gateway_set_endpoints, upstream.encode(), arr, len(pairs))

    def port(self, index=0):
        """The port listener `index` is bound to once started; with "port": 0
        in the configuration the kernel chose it. StateError before start,
        InvalidArgumentError-like WeirError for an unknown listener."""
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise TypeError("index must be a non-negative int")
        out = ctypes.c_uint16()
        with self._lock:
            if self._handle is None:
                raise StateError(Status.ESTATE, "the gateway is closed")
            status = lib.weir_gateway_listener_port(self._handle, index, ctypes.byref(out))
        if status != Status.OK:
            raise error_for(status, f"no bound port for listener {index}")
        return out.value

    # --- observability (docs/observability.md) ---

    def metrics(self):
        """The gateway's totals since start, a dict of ints: requests,
        responses_1xx..responses_5xx, no_response, gateway_errors,
        upstream_requests, upstream_errors, retries, connections_open,
        connections_accepted, bytes_received, bytes_sent, access_log_dropped."""
        return observe.metrics(self._call)

    def prometheus_text(self):
        """Every metric in the Prometheus text format 0.0.4, a str."""
        return observe.prometheus_text(self._call_status)

    def upstream_state(self, name):
        """Upstream `name` now: a dict with breaker ("closed", "open",
        "half_open"), has_breaker, the breaker's counts and limits, and
        endpoints (address, weight, healthy, ejected, active_requests).
        InvalidArgumentError for an unknown upstream."""
        if not isinstance(name, str):
            raise TypeError("name must be a str")
        return observe.upstream_state(self._call_status, name)

    def close(self):
        """Frees the gateway, stopping it first without draining if it runs.
        Calling it again does nothing; any other method then raises StateError."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ raised before there was a handle
            return
        with lock:
            handle, self._handle = self._handle, None
            if handle:
                lib.weir_gateway_destroy(handle)

    @property
    def closed(self):
        return getattr(self, "_handle", None) is None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if not self.closed:
                self.stop()
        finally:
            self.close()
        return False

    def __del__(self):
        # Reached only when no thread holds the gateway any more, so the lock
        # is free; during interpreter shutdown `lib` may already be gone.
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return f"<weir.Gateway {'closed' if self.closed else 'open'}>"

    # --- one C call under the lock, its error read before anyone else calls ---

    def _call_status(self, fn, *args):
        """(status, error message) of one C call, for calls whose callers
        handle some failures themselves."""
        with self._lock:
            if self._handle is None:
                raise StateError(Status.ESTATE, "the gateway is closed")
            status = fn(self._handle, *args)
            return status, (_last_error(self._handle) if status != Status.OK else "")

    def _call(self, fn, *args):
        with self._lock:
            if self._handle is None:
                raise StateError(Status.ESTATE, "the gateway is closed")
            status = fn(self._handle, *args)
            if status != Status.OK:
                raise error_for(status, _last_error(self._handle))
