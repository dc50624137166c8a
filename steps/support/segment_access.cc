#include "steps/support/segment_access.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "platform/semaphore.h"
#include "steps/step_failure.h"
#include "zerobuffer/names.h"

namespace zerobuffer::steps {
namespace {

platform::SharedMemory OpenOrFail(const std::string& name) {
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::Open(name);
  if (!segment.ok()) {
    throw StepFailure(absl::StrCat("cannot open the shared memory of '", name,
                                   "': ", segment.status().message()));
  }
  if (segment->size() < kOiebSize) {
    throw StepFailure(absl::StrCat("the shared memory of '", name,
                                   "' is too small for an OIEB"));
  }
  return *std::move(segment);
}

std::optional<int> SemaphoreValue(const std::string& name) {
  absl::StatusOr<platform::NamedSemaphore> semaphore =
      platform::NamedSemaphore::Open(name);
  if (!semaphore.ok()) return std::nullopt;
  return semaphore->Value();
}

}  // namespace

SegmentAccess::SegmentAccess(const std::string& physical_name)
    : name_(physical_name),
      segment_(OpenOrFail(physical_name)),
      oieb_(segment_.data()) {}

std::byte* SegmentAccess::ring() const {
  return segment_.data() + kOiebSize + oieb_.Load(&OIEB::metadata_size);
}

FrameHeader SegmentAccess::HeaderAt(uint64_t ring_offset) const {
  FrameHeader header;
  std::memcpy(&header, ring() + ring_offset, sizeof(header));
  return header;
}

void SegmentAccess::SetHeader(uint64_t ring_offset,
                              const FrameHeader& header) const {
  std::memcpy(ring() + ring_offset, &header, sizeof(header));
}

std::optional<int> SegmentAccess::FramesSignalled() const {
  return SemaphoreValue(BufferObjectNames::For(name_).write_semaphore);
}

std::optional<int> SegmentAccess::SpaceSignalled() const {
  return SemaphoreValue(BufferObjectNames::For(name_).read_semaphore);
}

}  // namespace zerobuffer::steps
