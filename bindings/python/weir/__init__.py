"""weir for Python: the embeddable API gateway through its C ABI (ctypes).

    import weir
    with weir.Gateway({"listeners": [...], "upstreams": {...}, "routes": [...]}) as gw:
        ...                      # serving on weir's worker threads
        gw.reload(new_config)    # ConfigError keeps the old one serving

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
    OutOfMemoryError,
    StateError,
    Status,
    WeirError,
    status_str,
)
from .gateway import DEFAULT_DRAIN_MS, Gateway
from .observe import LogLevel, reopen_logs, set_log_handler


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
    "OutOfMemoryError",
    "StateError",
    "Status",
    "WeirError",
    "reopen_logs",
    "set_log_handler",
    "status_str",
    "version",
]
