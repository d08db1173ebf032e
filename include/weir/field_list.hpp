// Lists of header edits and exchange values, packed: a list keeps its
// entries one after another in one byte buffer, each as its lengths and then
// its bytes. An exchange's edits then sit in a few cache lines instead of
// one string per name and per value: at hundreds of exchanges in flight the
// edits are cold whenever an exchange comes back to them, and every line
// they span is a miss.
//
// The buffer starts as room that the owner lends (Context::Edits lends room
// inside itself, next to its other fields) and moves to the heap only when
// the entries outgrow it. clear() forgets the entries and keeps the buffer,
// unless it grew past kKeepBytes, so that a list refilled with the same
// entries exchange after exchange allocates nothing.
//
// Views handed out (names, values) stay valid until the list is changed.
// Appending never moves the bytes a view passed in points to, even a view
// into the same list: a grown buffer replaces the old one only after the
// new entry is copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "weir/http.hpp"

namespace weir {

namespace detail {

// Entries of Parts strings each (1: names, 2: name and value), packed as
// [u32 length]... then the bytes of each part. Derived says what iterating
// yields: Derived::value_type, made by Derived::value_of(entry).
template <size_t Parts, typename Derived>
class PackedEntries {
 public:
  static constexpr size_t kKeepBytes = 4096;
  // One entry's bytes, lengths included, at most: larger entries are refused.
  static constexpr size_t kMaxEntryBytes = size_t{1} << 30;

  PackedEntries() noexcept = default;
  PackedEntries(const PackedEntries&) = delete;
  PackedEntries& operator=(const PackedEntries&) = delete;
  ~PackedEntries() { release_heap(); }

  // Lends `size` bytes at `room` (usually inside the owner, within 32 KiB of
  // this list) as the buffer to use before the heap. Only on an empty list.
  void lend(char* room, uint16_t size) noexcept {
    release_heap();
    room_off_ = static_cast<int16_t>(room - reinterpret_cast<char*>(this));
    room_cap_ = size;
    data_ = room;
    cap_ = size;
    used_ = 0;
    count_ = 0;
    names_ = 0;
  }

  size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  // The buffer lives on the heap (the entries outgrew the lent room).
  bool on_heap() const noexcept { return data_ && data_ != room(); }

  void clear() noexcept {
    count_ = 0;
    used_ = 0;
    names_ = 0;
    if (on_heap() && cap_ > kKeepBytes) release_heap();
  }

  // False when no entry's name (or key) has `name`'s bit (its length and
  // next-to-last byte): a check on every header of a message that mostly
  // spares comparing with each entry.
  bool may_hold(std::string_view name) const noexcept { return (names_ & bit(name)) != 0; }

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = typename Derived::value_type;
    using difference_type = std::ptrdiff_t;
    using reference = value_type;
    using pointer = void;
    const_iterator() = default;
    value_type operator*() const noexcept { return Derived::value_of(list_->entry_at(at_)); }
    const_iterator& operator++() noexcept {
      at_ = list_->entry_at(at_).next;
      return *this;
    }
    const_iterator operator++(int) noexcept {
      const_iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const const_iterator& o) const noexcept { return at_ == o.at_; }

   private:
    friend class PackedEntries;
    const_iterator(const PackedEntries* l, uint32_t at) : list_(l), at_(at) {}
    const PackedEntries* list_ = nullptr;
    uint32_t at_ = 0;
  };
  using iterator = const_iterator;

  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, used_}; }
  // The i-th entry (a walk: lists are short).
  auto operator[](size_t i) const noexcept { return *const_iterator(this, offset_of(i)); }

  // An entry is named `name`, ignoring ASCII case (header names).
  bool holds_name(std::string_view name) const noexcept {
    if (!may_hold(name)) return false;
    return first_where([&](const Entry& e) { return iequals(e.part[0], name); }) != used_;
  }

  // Drops the entries `pred(value_type)` holds for, keeping the others' order.
  template <typename Pred>
  void erase_if(Pred pred) {
    erase_where([&](const Entry& e) { return pred(Derived::value_of(e)); });
  }

 protected:
  static constexpr size_t kHead = 4 * Parts;

  // The entry at byte offset `at`: its parts and the offset of the next.
  struct Entry {
    std::string_view part[Parts];
    uint32_t next;
  };
  Entry entry_at(uint32_t at) const noexcept {
    Entry e;
    uint32_t len[Parts];
    std::memcpy(len, data_ + at, kHead);
    uint32_t off = at + static_cast<uint32_t>(kHead);
    for (size_t i = 0; i < Parts; ++i) {
      e.part[i] = std::string_view(data_ + off, len[i]);
      off += len[i];
    }
    e.next = off;
    return e;
  }
  uint32_t end_offset() const noexcept { return used_; }
  // Offset of the first entry `pred(entry)` holds for, else end_offset().
  template <typename Pred>
  uint32_t first_where(Pred pred) const noexcept {
    uint32_t at = 0;
    while (at < used_) {
      Entry e = entry_at(at);
      if (pred(e)) break;
      at = e.next;
    }
    return at;
  }
  uint32_t offset_of(size_t i) const noexcept {
    uint32_t at = 0;
    while (i-- > 0) at = entry_at(at).next;
    return at;
  }

  // Appends an entry; false (nothing added) past kMaxEntryBytes or when the
  // buffer's size would overflow.
  bool append(const std::string_view (&parts)[Parts]) {
    size_t need = kHead;
    for (const auto& p : parts) need += p.size();
    if (need > kMaxEntryBytes || used_ + need > UINT32_MAX) return false;
    char* old = nullptr;
    if (used_ + need > cap_) old = grow(used_ + need);
    char* out = data_ + used_;
    uint32_t len[Parts];
    for (size_t i = 0; i < Parts; ++i) len[i] = static_cast<uint32_t>(parts[i].size());
    std::memcpy(out, len, kHead);
    out += kHead;
    for (const auto& p : parts) {
      if (!p.empty()) std::memcpy(out, p.data(), p.size());
      out += p.size();
    }
    names_ |= bit(parts[0]);  // reads the name's bytes: before they may go
    delete[] old;  // only now: a part may have pointed into it
    used_ += static_cast<uint32_t>(need);
    ++count_;
    return true;
  }

  // Replaces part `which` of the entry at `at`, moving the entries after it.
  // `bytes` must not point into this list. False as append().
  bool replace_part(uint32_t at, size_t which, std::string_view bytes) {
    uint32_t len[Parts];
    std::memcpy(len, data_ + at, kHead);
    uint32_t start = at + static_cast<uint32_t>(kHead);
    for (size_t i = 0; i < which; ++i) start += len[i];
    const uint32_t old_len = len[which];
    if (bytes.size() > old_len) {
      size_t more = bytes.size() - old_len;
      if (more > kMaxEntryBytes || used_ + more > UINT32_MAX) return false;
      if (used_ + more > cap_) delete[] grow(used_ + more);
    }
    const uint32_t tail = start + old_len;
    std::memmove(data_ + start + bytes.size(), data_ + tail, used_ - tail);
    if (!bytes.empty()) std::memcpy(data_ + start, bytes.data(), bytes.size());
    used_ = static_cast<uint32_t>(used_ - old_len + bytes.size());
    len[which] = static_cast<uint32_t>(bytes.size());
    std::memcpy(data_ + at, len, kHead);
    return true;
  }

  // True when `s` points into this list's bytes.
  bool holds_bytes(std::string_view s) const noexcept {
    return !s.empty() && data_ && s.data() >= data_ && s.data() < data_ + used_;
  }

  // Drops the entries `pred` holds for (called with the entry's parts),
  // keeping the others' order.
  template <typename Pred>
  void erase_where(Pred pred) {
    uint32_t at = 0, kept = 0, n = 0;
    names_ = 0;
    while (at < used_) {
      Entry e = entry_at(at);
      if (!pred(e)) {
        names_ |= bit(e.part[0]);
        if (at != kept) std::memmove(data_ + kept, data_ + at, e.next - at);
        kept += e.next - at;
        ++n;
      }
      at = e.next;
    }
    used_ = kept;
    count_ = n;
  }

 private:
  // A name's bit in names_: its length mixed with its next-to-last byte
  // (case folded), so that names of one length that end differently, as
  // ratelimit-limit and ratelimit-reset, mostly take different bits.
  static uint64_t bit(std::string_view name) noexcept {
    const size_t n = name.size();
    const unsigned tail = n >= 2 ? static_cast<unsigned char>(name[n - 2]) | 0x20u : 0u;
    return uint64_t{1} << ((n * 5 + tail) & 63);
  }
  char* room() const noexcept {
    return room_cap_ ? const_cast<char*>(reinterpret_cast<const char*>(this)) + room_off_
                     : nullptr;
  }
  // Moves the entries to a larger heap buffer; returns the old heap buffer
  // (nullptr when it was the lent room) for the caller to free.
  char* grow(size_t need) {
    size_t cap = cap_ < 64 ? 64 : size_t{cap_} * 2;
    while (cap < need) cap *= 2;
    if (cap > UINT32_MAX) cap = UINT32_MAX;
    char* fresh = new char[cap];
    if (used_) std::memcpy(fresh, data_, used_);
    char* old = on_heap() ? data_ : nullptr;
    data_ = fresh;
    cap_ = static_cast<uint32_t>(cap);
    return old;
  }
  void release_heap() noexcept {
    if (on_heap()) delete[] data_;
    data_ = room();
    cap_ = room_cap_;
  }

  char* data_ = nullptr;
  uint64_t names_ = 0;    // the bit() of each entry's name
  uint32_t used_ = 0;     // bytes of entries
  uint32_t cap_ = 0;      // bytes at data_
  uint32_t count_ = 0;
  int16_t room_off_ = 0;   // the lent room, from this object
  uint16_t room_cap_ = 0;  // 0: no room lent
};

}  // namespace detail

// Header fields (name, value) or exchange values (key, value), in order.
class FieldList : public detail::PackedEntries<2, FieldList> {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;
  static value_type value_of(const Entry& e) noexcept { return {e.part[0], e.part[1]}; }

  // False (nothing added) only for an entry over kMaxEntryBytes.
  bool emplace_back(std::string_view name, std::string_view value) {
    const std::string_view parts[2] = {name, value};
    return append(parts);
  }

  // The value of the first entry named exactly `name` (values' keys); false
  // when there is none.
  bool find(std::string_view name, std::string_view& value) const noexcept {
    uint32_t at = offset_named(name);
    if (at == end_offset()) return false;
    value = entry_at(at).part[1];
    return true;
  }

  // Replaces the value of the first entry named exactly `name`, in place;
  // false when there is none (or the entry would pass kMaxEntryBytes).
  // `value` may point into this list.
  bool assign(std::string_view name, std::string_view value) {
    uint32_t at = offset_named(name);
    if (at == end_offset()) return false;
    if (!holds_bytes(value)) return replace_part(at, 1, value);
    std::string copy(value);  // the bytes move while they are copied
    return replace_part(at, 1, copy);
  }

 private:
  // Offset of the first entry named exactly `name`, else end_offset().
  uint32_t offset_named(std::string_view name) const noexcept {
    if (!may_hold(name)) return end_offset();
    return first_where([&](const Entry& e) { return e.part[0] == name; });
  }
};

// Header names.
class NameList : public detail::PackedEntries<1, NameList> {
 public:
  using value_type = std::string_view;
  static value_type value_of(const Entry& e) noexcept { return e.part[0]; }

  bool push_back(std::string_view name) {
    const std::string_view parts[1] = {name};
    return append(parts);
  }
};

}  // namespace weir
