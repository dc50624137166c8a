// Atomic access to the OIEB of a mapped segment (protocol.md 7.5 and 10).
//
// payload_free_bytes is the only field both processes modify and is only
// ever changed with read-modify-write atomics. Every other field has a single
// writer and is published with release stores and read with acquire loads.
// All fields are 8-byte aligned within a page-aligned mapping, as
// std::atomic_ref requires.

#ifndef ZEROBUFFER_ZEROBUFFER_OIEB_VIEW_H_
#define ZEROBUFFER_ZEROBUFFER_OIEB_VIEW_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "zerobuffer/layout.h"

namespace zerobuffer {

// Two processes share these fields, and only hardware atomics synchronise
// across processes (protocol.md 7.5): a lock-based atomic_ref would take a
// lock private to this process, which the peer never sees.
static_assert(std::atomic_ref<uint64_t>::is_always_lock_free,
              "OIEB fields need lock-free 64-bit atomics");
static_assert(alignof(OIEB) >= std::atomic_ref<uint64_t>::required_alignment,
              "OIEB fields must be aligned for std::atomic_ref");

class OiebView {
 public:
  using Field = uint64_t OIEB::*;

  OiebView() = default;
  explicit OiebView(std::byte* segment)
      : oieb_(reinterpret_cast<OIEB*>(segment)) {}

  uint64_t Load(Field field) const {
    return Ref(field).load(std::memory_order_acquire);
  }
  void Store(Field field, uint64_t value) const {
    Ref(field).store(value, std::memory_order_release);
  }
  // Both return the value before the update.
  uint64_t FetchAdd(Field field, uint64_t delta) const {
    return Ref(field).fetch_add(delta, std::memory_order_acq_rel);
  }
  uint64_t FetchSub(Field field, uint64_t delta) const {
    return Ref(field).fetch_sub(delta, std::memory_order_acq_rel);
  }
  // On failure `expected` receives the current value.
  bool CompareExchange(Field field, uint64_t& expected,
                       uint64_t desired) const {
    return Ref(field).compare_exchange_strong(expected, desired,
                                              std::memory_order_acq_rel);
  }

  // A field-by-field copy, each 8-byte field loaded atomically.
  OIEB Snapshot() const;

  // The one-time initialisation by the creating reader, in a zero-filled
  // segment of `layout` (protocol.md 3.2): every field that does not start
  // at 0, with `reader_pid` published last, so that a writer that sees the
  // PID sees a complete OIEB.
  void Initialize(const SegmentLayout& layout, uint64_t reader_pid) const;

 private:
  std::atomic_ref<uint64_t> Ref(Field field) const {
    return std::atomic_ref<uint64_t>(oieb_->*field);
  }

  OIEB* oieb_ = nullptr;
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_OIEB_VIEW_H_
