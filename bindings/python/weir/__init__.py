"""weir for Python: the embeddable API gateway through its C ABI (ctypes).

    import weir
    with weir.Gateway({"listeners": [...], "upstreams": {...}, "routes": [...]}) as gw:
        ...                      # serving on weir's worker threads
        gw.reload(new_config)    # ConfigError keeps the old one serving

Middleware in Python: subclass weir.Middleware and weir.register_middleware(),
or decorate a function with @weir.middleware("type").

See docs/bindings.md.
"""

from ._lib import lib as _cdll
from .errors import (
    BufferTooSmallError,
    ConfigError,
    InputOutputError,
    InternalError,
    InvalidArgumentError,
    ListenError,
    NotFoundError,
    OutOfMemoryError,
    StateError,
    Status,
    WeirError,
    status_str,
)
from .gateway import DEFAULT_DRAIN_MS, Gateway
from .observe import LogLevel, reopen_logs, set_log_handler
from .middleware import Middleware, Pause, Request, middleware, register_middleware


def version():
    """The library's "MAJOR.MINOR.PATCH" at run time (weir_version())."""
    return _cdll.weir_version().decode("ascii")


__all__ = [
    "BufferTooSmallError",
    "ConfigError",
    "DEFAULT_DRAIN_MS",
    "Gateway",
    "InputOutputError",
    "InternalError",
    "InvalidArgumentError",
    "ListenError",
    "LogLevel",
    "Middleware",
    "NotFoundError",
    "OutOfMemoryError",
    "Pause",
    "Request",
    "StateError",
    "Status",
    "WeirError",
    "middleware",
    "register_middleware",
    "reopen_logs",
    "set_log_handler",
    "status_str",
    "version",
]
