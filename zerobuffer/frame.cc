#include "zerobuffer/frame.h"

#include <utility>

namespace zerobuffer {

Frame::Frame(Frame&& other) noexcept
    : owner_(std::move(other.owner_)),
      ticket_(other.ticket_),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      sequence_(std::exchange(other.sequence_, 0)) {}

Frame& Frame::operator=(Frame&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::move(other.owner_);
    ticket_ = other.ticket_;
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    sequence_ = std::exchange(other.sequence_, 0);
  }
  return *this;
}

void Frame::release() noexcept {
  if (owner_ != nullptr) owner_->ReleaseFrame(ticket_);
  owner_.reset();
  data_ = nullptr;
  size_ = 0;
  sequence_ = 0;
}

}  // namespace zerobuffer
