// The snapshot an exchange runs with. The worker holds each snapshot it
// installs by one std::shared_ptr; its exchanges hold the worker's pin of it
// by a count on the loop (core/loop_ref.hpp), so starting and ending an
// exchange takes no locked instruction, and a reload still lets every
// exchange finish with the snapshot it started with.
#pragma once

#include <memory>
#include <utility>

#include "core/loop_ref.hpp"
#include "core/snapshot.hpp"

namespace weir::core {

class SnapshotRef {
 public:
  SnapshotRef() noexcept = default;
  // A new pin of `snap`: made by the worker, once per snapshot installed.
  explicit SnapshotRef(std::shared_ptr<const Snapshot> snap)
      : pin_(make_loop_ref<Pin>(std::move(snap))), p_(pin_->snap.get()) {}

  explicit operator bool() const noexcept { return p_ != nullptr; }
  const Snapshot* get() const noexcept { return p_; }
  const Snapshot* operator->() const noexcept { return p_; }
  const Snapshot& operator*() const noexcept { return *p_; }
  // The pinned snapshot's own shared_ptr (not null: only for a pin made).
  const std::shared_ptr<const Snapshot>& shared() const noexcept { return pin_->snap; }
  void reset() noexcept {
    pin_.reset();
    p_ = nullptr;
  }

 private:
  struct Pin : LoopCounted {
    explicit Pin(std::shared_ptr<const Snapshot> s) noexcept : snap(std::move(s)) {}
    std::shared_ptr<const Snapshot> snap;
  };
  LoopRef<Pin> pin_;
  const Snapshot* p_ = nullptr;  // pin_->snap.get(), one load nearer
};

}  // namespace weir::core
