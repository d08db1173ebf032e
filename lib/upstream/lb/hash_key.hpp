// The hashes that consistent-hashing policies (ring_hash, maglev) agree on.
// Every gateway instance must map a key to the same endpoint, so the
// functions and seeds here are fixed: changing one remaps every key.
#pragma once

#include <cstdint>
#include <string_view>

namespace weir::upstream::lb {

// The hash of a request's key (a header value, a cookie, the client address,
// the path, a query parameter: the caller extracts it) for PickInput::hash.
// XXH3-64 with a fixed seed; XXH3's output is stable since xxHash 0.8.0.
uint64_t hash_key(std::string_view key) noexcept;

// The hash of an endpoint's identity (its address) under one of several
// fixed seeds: ring_hash's virtual nodes and maglev's offset and skip use
// independent hashes of the same name.
uint64_t hash_endpoint(std::string_view name, uint64_t seed) noexcept;

}  // namespace weir::upstream::lb
