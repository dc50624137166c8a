// A frame read from a buffer: a zero-copy view into shared memory that
// returns its space to the writer when released.

#ifndef ZEROBUFFER_ZEROBUFFER_FRAME_H_
#define ZEROBUFFER_ZEROBUFFER_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace zerobuffer {

namespace internal {

// Whoever hands out frames: told once per frame when it is released.
class FrameOwner {
 public:
  virtual void ReleaseFrame(uint64_t ticket) noexcept = 0;

 protected:
  ~FrameOwner() = default;
};

}  // namespace internal

// Move-only. The frame's bytes stay reserved (the writer cannot overwrite
// them) until release() or destruction, in whatever order frames are
// released. A frame keeps its reader's mapping alive, so it stays readable
// even after the Reader itself is closed or destroyed.
class Frame {
 public:
  // An invalid frame, as read_frame returns on timeout.
  Frame() = default;
  Frame(Frame&& other) noexcept;
  // Releases the frame held before, if any.
  Frame& operator=(Frame&& other) noexcept;
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  ~Frame() { release(); }

  bool valid() const { return data_ != nullptr; }
  bool is_valid() const { return valid(); }
  explicit operator bool() const { return valid(); }

  const void* data() const { return data_; }
  void* data() { return data_; }
  std::span<const std::byte> span() const { return {data_, size_}; }
  // Writable view, for processing a frame in place (duplex mutable server).
  std::span<std::byte> mutable_span() { return {data_, size_}; }
  size_t size() const { return size_; }
  uint64_t sequence() const { return sequence_; }

  // Gives the frame's space back now and makes this frame invalid.
  // Idempotent; never throws.
  void release() noexcept;

 private:
  friend class ReaderImpl;

  Frame(std::shared_ptr<internal::FrameOwner> owner, uint64_t ticket,
        std::byte* data, size_t size, uint64_t sequence)
      : owner_(std::move(owner)),
        ticket_(ticket),
        data_(data),
        size_(size),
        sequence_(sequence) {}

  std::shared_ptr<internal::FrameOwner> owner_;
  uint64_t ticket_ = 0;
  std::byte* data_ = nullptr;
  size_t size_ = 0;
  uint64_t sequence_ = 0;
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_FRAME_H_
