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
