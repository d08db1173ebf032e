"""weir_status codes as Python exceptions: one class per code, all of them
WeirError, each carrying the code (.status) and the handle's last error
message (.message)."""

import enum

from ._lib import lib


class Status(enum.IntEnum):
    """The codes of WEIR_STATUS_MAP in capi/weir.h (the tests check they match)."""

    OK = 0
    EINVAL = -1
    ECONFIG = -2
    ESTATE = -3
    ENOMEM = -4
    EIO = -5
    ELISTEN = -6
    EINTERNAL = -7
    ETOOSMALL = -8
    ENOTFOUND = -9


def status_str(status):
    """weir_status_str(): the library's English text for a code."""
    return lib.weir_status_str(int(status)).decode("utf-8", "replace")


class WeirError(Exception):
    """A call into weir failed. `status` is the weir_status code (an int),
    `message` what the gateway said about it (may be empty)."""

    status = None  # set on each subclass; an unknown code keeps the one given

    def __init__(self, status, message=""):
        self.status = int(status)
        self.message = message
        text = status_str(self.status)
        super().__init__(f"{text}: {message}" if message else text)


class InvalidArgumentError(WeirError, ValueError):
    status = Status.EINVAL


class ConfigError(WeirError, ValueError):
    status = Status.ECONFIG


class StateError(WeirError):
    status = Status.ESTATE


class OutOfMemoryError(WeirError, MemoryError):
    status = Status.ENOMEM


# Not OSError subclasses: OSError reads its arguments as (errno, strerror),
# and a weir status is not an errno.
class InputOutputError(WeirError):
    status = Status.EIO


class ListenError(WeirError):
    status = Status.ELISTEN


class InternalError(WeirError):
    status = Status.EINTERNAL


class BufferTooSmallError(WeirError):
    """The binding's buffer was too small for a reply that keeps growing."""
    status = Status.ETOOSMALL


class NotFoundError(WeirError, LookupError):
    status = Status.ENOTFOUND


_BY_STATUS = {cls.status: cls for cls in (InvalidArgumentError, ConfigError, StateError,
                                          OutOfMemoryError, InputOutputError, ListenError,
                                          InternalError, BufferTooSmallError, NotFoundError)}


def error_for(status, message=""):
    """The exception for a failed status; a code newer than this binding
    still becomes a WeirError with that code."""
    return _BY_STATUS.get(int(status), WeirError)(status, message)
