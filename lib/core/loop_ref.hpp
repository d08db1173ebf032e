// Shared ownership for objects that live and die on one loop (a worker's):
// the count is a plain integer, so taking and dropping a reference costs no
// locked instruction. std::shared_ptr's atomic count costs one each way, and
// a locked instruction waits for every store before it to reach the cache:
// at the end of an exchange with middleware, the endpoint's decrement took
// 80-90 ns, waiting for the log phase's stores (benchmarks/README.md,
// "Middleware").
//
// Every copy, move and release of one object's references must happen on
// one thread at a time; a hand-over between threads needs its own ordering
// (a mailbox, a join).
#pragma once

#include <cstdint>
#include <utility>

namespace weir::core {

// The base of a LoopRef'd object: holds its count.
class LoopCounted {
 public:
  LoopCounted() = default;
  LoopCounted(const LoopCounted&) = delete;
  LoopCounted& operator=(const LoopCounted&) = delete;

 protected:
  ~LoopCounted() = default;

 private:
  template <typename T>
  friend class LoopRef;
  uint32_t loop_refs_ = 0;
};

template <typename T>
class LoopRef {
 public:
  LoopRef() noexcept = default;
  LoopRef(std::nullptr_t) noexcept {}  // NOLINT: as shared_ptr's
  // Adopts a new object, or one other LoopRefs already hold.
  explicit LoopRef(T* p) noexcept : p_(p) { take(); }
  LoopRef(const LoopRef& o) noexcept : p_(o.p_) { take(); }
  LoopRef(LoopRef&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  LoopRef& operator=(LoopRef o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~LoopRef() { drop(); }

  void reset() noexcept {
    drop();
    p_ = nullptr;
  }
  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  uint32_t use_count() const noexcept { return p_ ? counted()->loop_refs_ : 0; }

  // Lets go of the object without dropping its reference, which adopt()
  // takes back: for a reference held where a LoopRef cannot be (a plain
  // pointer in a public struct).
  T* detach() noexcept { return std::exchange(p_, nullptr); }
  static LoopRef adopt(T* p) noexcept {
    LoopRef r;
    r.p_ = p;
    return r;
  }

 private:
  const LoopCounted* counted() const noexcept { return p_; }
  void take() noexcept {
    if (p_) ++static_cast<LoopCounted*>(p_)->loop_refs_;
  }
  void drop() noexcept {
    if (p_ && --static_cast<LoopCounted*>(p_)->loop_refs_ == 0) delete p_;
  }

  T* p_ = nullptr;
};

template <typename T, typename... Args>
LoopRef<T> make_loop_ref(Args&&... args) {
  return LoopRef<T>(new T(std::forward<Args>(args)...));
}

}  // namespace weir::core
