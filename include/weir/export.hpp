// Symbol visibility for the public C++ API. libweir is built with hidden
// visibility; only what is marked WEIR_API is exported from the shared library.
#pragma once

#if defined(WEIR_BUILDING)
#define WEIR_API __attribute__((visibility("default")))
#else
#define WEIR_API
#endif
