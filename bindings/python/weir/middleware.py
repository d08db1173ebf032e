"""Custom middleware written in Python, over weir_middleware_register().

    class Auth(weir.Middleware):
        def __init__(self, options):          # the config entry, as a dict
            self.tokens = options["tokens"]   # KeyError/ValueError: a config error
        def on_request(self, req):
            if req.header("x-token") not in self.tokens:
                req.respond_error(401, "unauthorized")

    weir.register_middleware("py_auth", Auth)   # then {"type": "py_auth", ...}

Threads and the GIL: weir's worker threads call the phase methods, several
at once; ctypes takes the GIL for each call and every call back into weir
releases it, so Python middleware run one at a time but never block the
gateway's other work in C. Keep hooks short: pause() and resume from a
Python thread for anything slow.

A hook that raises is logged on the "weir" logger; in the request phase the
client gets 500 {"error": "middleware failed"}, in the others the exchange
goes on unchanged.
"""

import ctypes
import itertools
import json
import logging
import threading

from ._lib import (CREATE_FN, DESTROY_FN, HOOK_FN, RESUME_FN, MiddlewareType, Str, lib)
from .errors import Status, StateError, error_for

log = logging.getLogger("weir")

PHASE_REQUEST, PHASE_RESPONSE, PHASE_LOG = 0, 1, 2
_PHASE_NAMES = {PHASE_REQUEST: "request", PHASE_RESPONSE: "response", PHASE_LOG: "log"}
_HOOKS = ("on_request", "on_response", "on_log")
_ERR_MAX = 400  # bytes of a factory's error message passed back to weir


def _b(text, what):
    if isinstance(text, bytes):
        return text
    if not isinstance(text, str):
        raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")
    return text.encode("utf-8")


def _check(status, what):
    if status != Status.OK:
        raise error_for(status, what)


class Request:
    """One exchange as a phase hook (or a resume function) sees it. Valid only
    during that call: afterwards every method raises StateError."""

    __slots__ = ("_ptr",)

    def __init__(self, ptr):
        self._ptr = ptr

    def _p(self):
        if self._ptr is None:
            raise StateError(Status.ESTATE, "the request is only valid during its callback")
        return self._ptr

    # --- reading ---

    @property
    def phase(self):
        """"request", "response" or "log"."""
        return _PHASE_NAMES[lib.weir_request_phase(self._p())]

    @property
    def method(self):
        return lib.weir_request_method(self._p()).text()

    @property
    def path(self):
        """The normalised path as received (a set_path() does not change it)."""
        return lib.weir_request_path(self._p()).text()

    @property
    def query(self):
        return lib.weir_request_query(self._p()).text()

    @property
    def route(self):
        return lib.weir_request_route(self._p()).text()

    @property
    def client_ip(self):
        return lib.weir_request_client_ip(self._p()).text()

    @property
    def request_id(self):
        return lib.weir_request_request_id(self._p()).text()

    @property
    def response_status(self):
        """The response status (response and log phases), else 0."""
        return lib.weir_request_response_status(self._p())

    def _lookup(self, fn, key):
        out = Str()
        status = fn(self._p(), _b(key, "name"), ctypes.byref(out))
        if status == Status.ENOTFOUND:
            return None
        _check(status, f"{key!r}")
        return out.text()

    def header(self, name, default=None):
        """The first request header `name` as the client sent it, or `default`."""
        v = self._lookup(lib.weir_request_header, name)
        return default if v is None else v

    def headers(self):
        """All request headers as received: a list of (name, value)."""
        p = self._p()
        name, value = Str(), Str()
        out = []
        for i in range(lib.weir_request_header_count(p)):
            if lib.weir_request_header_at(p, i, ctypes.byref(name), ctypes.byref(value)) == Status.OK:
                out.append((name.text(), value.text()))
        return out

    def param(self, name, default=None):
        """A route parameter ("id" of "/users/:id"), or `default`."""
        v = self._lookup(lib.weir_request_param, name)
        return default if v is None else v

    def value(self, key, default=None):
        """An exchange value set by a middleware ("consumer"), or `default`."""
        v = self._lookup(lib.weir_request_value, key)
        return default if v is None else v

    @property
    def exchange(self):
        """Log phase: a dict of the exchange's facts (status, aborted,
        bytes_in, bytes_out, duration_us, upstream_us, start_ms, upstream,
        retries, reason); None in the other phases."""
        info = lib.weir_request_exchange(self._p())
        if not info:
            return None
        x = info.contents
        return {"status": x.status, "aborted": bool(x.aborted), "bytes_in": x.bytes_in,
                "bytes_out": x.bytes_out, "duration_us": x.duration_us,
                "upstream_us": x.upstream_us, "start_ms": x.start_ms,
                "upstream": x.upstream.text(), "retries": x.retries, "reason": x.reason.text()}

    # --- editing (errors raise: InvalidArgumentError, StateError, NotFoundError) ---

    def set_header(self, name, value):
        """Request phase: replaces the request header sent upstream."""
        _check(lib.weir_request_set_header(self._p(), _b(name, "name"), _b(value, "value")), name)

    def add_header(self, name, value):
        _check(lib.weir_request_add_header(self._p(), _b(name, "name"), _b(value, "value")), name)

    def remove_header(self, name):
        _check(lib.weir_request_remove_header(self._p(), _b(name, "name")), name)

    def set_response_header(self, name, value):
        """Request and response phases: a header of the response to the client."""
        _check(lib.weir_request_set_response_header(self._p(), _b(name, "name"),
                                                    _b(value, "value")), name)

    def add_response_header(self, name, value):
        _check(lib.weir_request_add_response_header(self._p(), _b(name, "name"),
                                                    _b(value, "value")), name)

    def remove_response_header(self, name):
        _check(lib.weir_request_remove_response_header(self._p(), _b(name, "name")), name)

    def set_path(self, path):
        """Request phase: the path sent upstream (the query is kept)."""
        _check(lib.weir_request_set_path(self._p(), _b(path, "path")), f"path {path!r}")

    def set_upstream(self, name):
        """Request phase: proxy to this upstream of the configuration."""
        _check(lib.weir_request_set_upstream(self._p(), _b(name, "name")), f"upstream {name!r}")

    def set_endpoint(self, address):
        """Request phase: prefer this endpoint ("IP:port") of the chosen
        upstream for the first try; the policy picks when it is absent or
        unavailable, and for retries."""
        _check(lib.weir_request_set_endpoint(self._p(), _b(address, "address")),
               f"endpoint {address!r}")

    def set_value(self, key, value):
        """A small value for later middleware and the access log."""
        _check(lib.weir_request_set_value(self._p(), _b(key, "key"), _b(value, "value")), key)

    def respond(self, status, body=b"", headers=None):
        """Request phase: answers locally; `headers` (a dict) go on the response."""
        data = _b(body, "body")
        for name, value in (headers or {}).items():
            self.set_response_header(name, value)
        _check(lib.weir_request_respond(self._p(), status, data, len(data)), "respond")

    def respond_error(self, status, message):
        """Request phase: answers with the gateway's JSON error body."""
        _check(lib.weir_request_respond_error(self._p(), status, _b(message, "message")),
               "respond_error")

    def pause(self):
        """Request or response phase: the exchange waits until the returned Pause's
        resume(), which any thread may call."""
        out = ctypes.c_void_p()
        _check(lib.weir_request_pause(self._p(), ctypes.byref(out)), "pause")
        return Pause(out.value)

    def pause_for(self, ms):
        """Request or response phase: the exchange continues by itself after `ms`."""
        _check(lib.weir_request_pause_for(self._p(), ms), "pause_for")


# Resume functions waiting for their worker, by key: the C side holds only
# the key, so nothing Python-owned is touched after it is gone.
_resumes = {}
_resume_keys = itertools.count(1)
# Reentrant: a Pause finalised by the garbage collector while this thread
# holds the lock resumes through it too.
_resume_lock = threading.RLock()


@RESUME_FN
def _on_resume(req_ptr, key):
    with _resume_lock:
        fn = _resumes.pop(key, None)
    if fn is None or not req_ptr:
        return  # the exchange is gone (client left, timed out, gateway stopped)
    _run(fn, req_ptr, PHASE_REQUEST, "resume")


class Pause:
    """A paused exchange (Request.pause()). resume() once, from any thread."""

    def __init__(self, ptr):
        self._ptr = ptr
        self._lock = threading.Lock()

    def resume(self, fn=None):
        """Continues the exchange on its worker, running fn(req) there first
        (it may edit, respond or pause again). When the exchange is gone by
        then, fn is not called. A second resume raises StateError."""
        with self._lock:
            ptr, self._ptr = self._ptr, None
        if ptr is None:
            raise StateError(Status.ESTATE, "this pause was resumed already")
        key = next(_resume_keys)
        with _resume_lock:
            _resumes[key] = fn
        _check(lib.weir_pause_resume(ptr, _on_resume, key), "resume")

    def __del__(self):
        # A pause dropped without resume() would hold its exchange until the
        # route's timeout and leak the C handle: answer 500 instead.
        try:
            if self._ptr is not None:
                self.resume(_dropped)
        except BaseException:  # noqa: BLE001 - interpreter shutdown
            pass


def _dropped(req):
    req.respond_error(500, "middleware dropped its pause")


def _run(fn, req_ptr, phase, what):
    """Calls fn(Request) and contains what it raises."""
    req = Request(req_ptr)
    try:
        fn(req)
    except BaseException:  # noqa: BLE001 - nothing may unwind into C
        log.exception("weir: Python middleware failed in %s", what)
        if phase == PHASE_REQUEST:
            try:
                lib.weir_request_respond_error(req_ptr, 500, b"middleware failed")
            except BaseException:  # noqa: BLE001
                pass
    finally:
        req._ptr = None


class Middleware:
    """Base class of a Python middleware: construct with the config entry
    (a dict, "type" and "name" included) and override any of on_request,
    on_response and on_log; the ones not overridden cost nothing. Raise
    ValueError("key: what is wrong") from __init__ for a bad option."""

    def __init__(self, options):
        self.options = options

    def on_request(self, req):
        pass

    def on_response(self, req):
        pass

    def on_log(self, req):
        pass


# Registered types and live instances, by key; the C side holds the keys.
_types = {}
_instances = {}
_instance_keys = itertools.count(1)
_type_keys = itertools.count(1)
_lock = threading.RLock()  # reentrant for the same reason as _resume_lock


def _error_text(exc):
    if isinstance(exc, (ValueError, KeyError)) and exc.args and isinstance(exc.args[0], str):
        text = exc.args[0]
        if isinstance(exc, KeyError):  # a missing option
            text = f"{text}: required"
        return text
    return f"(entry): {type(exc).__name__}: {exc}"


@CREATE_FN
def _create(type_key, json_ptr, length, instance_out, err, err_cap):
    try:
        factory = _types[type_key][0]
        options = json.loads(ctypes.string_at(json_ptr, length))
        obj = factory(options)
        key = next(_instance_keys)
        with _lock:
            _instances[key] = obj
        instance_out[0] = key
        return Status.OK
    except BaseException as e:  # noqa: BLE001 - becomes the config error
        msg = _error_text(e).encode("utf-8", "replace")[:min(_ERR_MAX, err_cap - 1)]
        ctypes.memmove(err, msg + b"\0", len(msg) + 1)
        return Status.EINVAL


@DESTROY_FN
def _destroy(type_key, key):
    with _lock:
        obj = _instances.pop(key, None)
    del obj  # the object's own finalizer runs outside the lock


def _hook(name, phase):
    @HOOK_FN
    def call(req_ptr, key):
        obj = _instances.get(key)
        fn = getattr(obj, name, None)
        if fn is not None:
            _run(fn, req_ptr, phase, name)
    return call


# Module-level: ctypes callbacks must outlive every gateway that may call them.
_on_request = _hook("on_request", PHASE_REQUEST)
_on_response = _hook("on_response", PHASE_RESPONSE)
_on_log = _hook("on_log", PHASE_LOG)
_C_HOOKS = {"on_request": _on_request, "on_response": _on_response, "on_log": _on_log}


def _implemented(factory):
    """The hooks a factory's objects have: for a Middleware subclass those it
    overrides, for any other callable all three (checked per call)."""
    if isinstance(factory, type) and issubclass(factory, Middleware):
        return [h for h in _HOOKS if getattr(factory, h) is not getattr(Middleware, h)]
    return list(_HOOKS)


def register_middleware(type_name, factory):
    """Makes `type_name` usable as a middleware "type" in configurations of
    gateways created afterwards. `factory(options)` gets the entry as a dict
    and returns an object with on_request/on_response/on_log(req) methods
    (a Middleware subclass is the usual factory). Registering a name again
    replaces it for later configurations."""
    if not callable(factory):
        raise TypeError("factory must be callable")
    hooks = _implemented(factory)
    with _lock:
        type_key = next(_type_keys)
        _types[type_key] = (factory, hooks)
    mt = MiddlewareType(size=ctypes.sizeof(MiddlewareType), create=_create, destroy=_destroy)
    for h in hooks:
        setattr(mt, h, _C_HOOKS[h])
    _check(lib.weir_middleware_register(_b(type_name, "type_name"), ctypes.byref(mt), type_key),
           f"middleware type {type_name!r}")


def middleware(type_name, phase="request"):
    """Decorator: registers fn(req) as a middleware type without options
    that runs in one phase ("request", "response" or "log").

        @weir.middleware("stamp")
        def stamp(req):
            req.set_response_header("x-stamped", "1")
    """
    hook = {"request": "on_request", "response": "on_response", "log": "on_log"}.get(phase)
    if hook is None:
        raise ValueError(f"phase must be request, response or log, not {phase!r}")

    def register(fn):
        class FunctionMiddleware(Middleware):
            def __init__(self, options):
                super().__init__(options)
                extra = sorted(set(options) - {"type", "name"})
                if extra:
                    raise ValueError(f"{extra[0]}: unknown key")

        setattr(FunctionMiddleware, hook, lambda self, req: fn(req))
        FunctionMiddleware.__name__ = FunctionMiddleware.__qualname__ = f"{fn.__name__}_middleware"
        register_middleware(type_name, FunctionMiddleware)
        return fn

    return register
