// Buffer sizes and the options of readers and writers.

#ifndef ZEROBUFFER_ZEROBUFFER_CONFIG_H_
#define ZEROBUFFER_ZEROBUFFER_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>

#include "zerobuffer/object_namespace.h"

namespace zerobuffer {

// Before a reader blocks for a frame or a writer for space, it checks for a
// short while without blocking: a frame that arrives within that time is
// taken without a kernel round trip. It costs CPU only while a peer is
// about to act, never while a stream is idle (the spin happens once per
// wait, then the wait blocks). On one CPU there is nobody to spin for.
inline std::chrono::microseconds DefaultSpinBeforeBlock() {
  return std::thread::hardware_concurrency() > 1 ? std::chrono::microseconds(50)
                                                 : std::chrono::microseconds(0);
}

// The defaults of all three upstream implementations: 1 KiB of metadata and
// a 1 MiB payload ring. Both are rounded up to 64 bytes when the buffer is
// created; metadata_size 0 means no metadata block.
struct BufferConfig {
  size_t metadata_size = 1024;
  size_t payload_size = 1024 * 1024;

  BufferConfig() = default;
  BufferConfig(size_t metadata, size_t payload)
      : metadata_size(metadata), payload_size(payload) {}
};

// Reader and Writer refuse options outside the ranges given below with a
// ZeroBufferException, before they create or open anything.

struct ReaderOptions {
  // File mode for the segment, both semaphores and the lock files, at most
  // 0777. Unset keeps the upstream behaviour (0666 filtered by the process
  // umask); set it to 0666 to share buffers between users regardless of the
  // umask.
  std::optional<uint32_t> permissions;

  // Also hold the lock file in the upstream C# lock directory
  // (<temp>/zerobuffer/locks), so that C# readers see this buffer as owned.
  bool hold_compat_lock = true;

  // While a read blocks, how often the writer's liveness is checked, so a
  // crashed writer is reported without waiting out the whole timeout.
  // Positive.
  std::chrono::milliseconds liveness_check_interval{100};

  // How long read_frame polls for a frame before it blocks; 0 always
  // blocks at once. Not negative.
  std::chrono::microseconds spin_before_block = DefaultSpinBeforeBlock();

  // Where the segment and semaphores live (see ObjectNamespace): kGlobal
  // lets processes of other Windows sessions (services) connect, and
  // creating a global segment outside session 0 takes
  // SeCreateGlobalPrivilege. Writers must name the same namespace. Lock
  // files are the same either way.
  ObjectNamespace object_namespace = ObjectNamespace::kSession;
};

struct WriterOptions {
  // How long write_frame and get_frame_buffer wait for space before
  // throwing BufferFullException; 0 throws at once when the ring is full.
  // Not negative.
  std::chrono::milliseconds write_timeout{5000};

  // How often the reader's liveness is checked, while a write blocks for
  // space and also between writes that find room: a write more than this
  // long after the reader crashed throws ReaderDeadException. Positive.
  std::chrono::milliseconds liveness_check_interval{100};

  // How long a write polls for space before it blocks; 0 always blocks at
  // once. Not negative.
  std::chrono::microseconds spin_before_block = DefaultSpinBeforeBlock();

  // The namespace the reader created the buffer in (ReaderOptions).
  ObjectNamespace object_namespace = ObjectNamespace::kSession;
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_CONFIG_H_
