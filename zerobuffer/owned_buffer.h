// The OS objects a reader creates and owns: how they are made
// (protocol.md 5.1) and removed (5.5).

#ifndef ZEROBUFFER_ZEROBUFFER_OWNED_BUFFER_H_
#define ZEROBUFFER_ZEROBUFFER_OWNED_BUFFER_H_

#include <string>
#include <vector>

#include "platform/file_lock.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "zerobuffer/config.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"
#include "zerobuffer/stale_cleanup.h"

namespace zerobuffer {

struct OwnedBuffer {
  SegmentLayout layout;
  BufferObjectNames names;
  std::vector<platform::FileLock> locks;
  platform::SharedMemory segment;
  platform::NamedSemaphore write_semaphore;  // sem-w
  platform::NamedSemaphore read_semaphore;   // sem-r
  // What was removed as stale on the way.
  StaleCleanupReport stale_cleanup;
};

// The aligned layout for `config`; throws ZeroBufferException for sizes no
// segment can have (payload 0, or sums beyond 2^62 bytes).
SegmentLayout LayoutFor(const BufferConfig& config);

// Removes stale resources, takes the lock files, creates the segment and
// both semaphores, and initialises the OIEB with this process as the
// reader. A failure removes whatever this call created before it throws.
OwnedBuffer CreateOwnedBuffer(const std::string& name,
                              const BufferConfig& config,
                              const ReaderOptions& options);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_OWNED_BUFFER_H_
