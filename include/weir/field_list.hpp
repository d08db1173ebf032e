// Lists of header edits and exchange values that keep their strings between
// exchanges: clear() only forgets the entries, so an exchange that writes the
// same names as the one before (the usual case: the same middleware on the
// same route) copies bytes into strings that already have room and allocates
// nothing. Strings that grew past kKeepBytes are freed on clear(), so a rare
// large value does not stay with the list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/http.hpp"

namespace weir {

template <typename Item>
class ReusedList {
 public:
  static constexpr size_t kKeepBytes = 256;

  using iterator = typename std::vector<Item>::iterator;
  using const_iterator = typename std::vector<Item>::const_iterator;

  iterator begin() noexcept { return items_.begin(); }
  iterator end() noexcept { return items_.begin() + static_cast<std::ptrdiff_t>(size_); }
  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept {
    return items_.begin() + static_cast<std::ptrdiff_t>(size_);
  }
  size_t size() const noexcept { return size_; }
  // The next entry needs new room: adding one moves the strings already in.
  bool full() const noexcept { return size_ == items_.size(); }
  bool empty() const noexcept { return size_ == 0; }
  Item& operator[](size_t i) noexcept { return items_[i]; }
  const Item& operator[](size_t i) const noexcept { return items_[i]; }

  void clear() noexcept {
    for (size_t i = 0; i < size_; ++i) shed(items_[i]);
    size_ = 0;
    lengths_ = 0;
  }

  // False when no entry has a name (or key) of `name`'s length: a check on
  // every header of a message that mostly spares comparing with each entry.
  bool may_hold(std::string_view name) const noexcept { return (lengths_ & bit(name)) != 0; }

  // An entry is named `name`, ignoring ASCII case (header names).
  bool holds_name(std::string_view name) const noexcept {
    if (!may_hold(name)) return false;
    for (size_t i = 0; i < size_; ++i)
      if (iequals(name_of(items_[i]), name)) return true;
    return false;
  }

  // Drops the entries `pred` holds for, keeping the others' order.
  template <typename Pred>
  void erase_if(Pred pred) {
    size_t kept = 0;
    for (size_t i = 0; i < size_; ++i) {
      if (pred(items_[i])) continue;
      if (i != kept) std::swap(items_[i], items_[kept]);  // swaps keep both buffers
      ++kept;
    }
    for (size_t i = kept; i < size_; ++i) shed(items_[i]);
    size_ = kept;
    lengths_ = 0;
    for (size_t i = 0; i < size_; ++i) lengths_ |= bit(name_of(items_[i]));
  }

 protected:
  // The next entry, reusing a forgotten one when there is one.
  Item& next(std::string_view name) {
    if (size_ == items_.size()) items_.emplace_back();
    lengths_ |= bit(name);
    return items_[size_++];
  }

 private:
  static uint64_t bit(std::string_view name) noexcept {
    return uint64_t{1} << (name.size() < 63 ? name.size() : 63);
  }
  static std::string_view name_of(const std::string& s) noexcept { return s; }
  static std::string_view name_of(const std::pair<std::string, std::string>& kv) noexcept {
    return kv.first;
  }
  static void shed(std::string& s) noexcept {
    if (s.capacity() > kKeepBytes) std::string().swap(s);
  }
  static void shed(std::pair<std::string, std::string>& kv) noexcept {
    shed(kv.first);
    shed(kv.second);
  }

  std::vector<Item> items_;  // [0, size_) live; the rest kept for reuse
  size_t size_ = 0;
  uint64_t lengths_ = 0;  // bit n: an entry's name has n bytes (63: 63 or more)
};

// Header fields (name, value) or exchange values (key, value), in order.
class FieldList : public ReusedList<std::pair<std::string, std::string>> {
 public:
  void emplace_back(std::string_view name, std::string_view value) {
    auto& kv = next(name);
    kv.first.assign(name);
    kv.second.assign(value);
  }
};

// Header names.
class NameList : public ReusedList<std::string> {
 public:
  void push_back(std::string_view name) { next(name).assign(name); }
};

}  // namespace weir
