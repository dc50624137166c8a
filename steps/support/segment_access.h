// Direct access to a buffer's shared memory, bypassing the library: for the
// steps that inspect the OIEB, check semaphores, or corrupt headers on
// purpose to prove the library notices.

#ifndef ZEROBUFFER_STEPS_SUPPORT_SEGMENT_ACCESS_H_
#define ZEROBUFFER_STEPS_SUPPORT_SEGMENT_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "platform/shared_memory.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/oieb_view.h"

namespace zerobuffer::steps {

class SegmentAccess {
 public:
  // Maps buffer `physical_name`; throws StepFailure when it does not exist.
  explicit SegmentAccess(const std::string& physical_name);

  OIEB Snapshot() const { return oieb_.Snapshot(); }
  const OiebView& oieb() const { return oieb_; }

  // The payload ring, located from the OIEB.
  std::byte* ring() const;
  uint64_t ring_size() const { return oieb_.Load(&OIEB::payload_size); }

  FrameHeader HeaderAt(uint64_t ring_offset) const;
  void SetHeader(uint64_t ring_offset, const FrameHeader& header) const;

  // The current counts of sem-w (frames pending) and sem-r (space
  // signals pending); nullopt where the OS cannot tell.
  std::optional<int> FramesSignalled() const;
  std::optional<int> SpaceSignalled() const;

  std::byte* data() const { return segment_.data(); }
  size_t size() const { return segment_.size(); }

 private:
  std::string name_;
  platform::SharedMemory segment_;
  OiebView oieb_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_SEGMENT_ACCESS_H_
