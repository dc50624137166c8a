// The names of a buffer's OS objects (protocol.md section 2) and the rules a
// buffer name must follow before any of them is touched.

#ifndef ZEROBUFFER_ZEROBUFFER_NAMES_H_
#define ZEROBUFFER_ZEROBUFFER_NAMES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "zerobuffer/object_namespace.h"

namespace zerobuffer {

// The longest name whose semaphore file, /dev/shm/sem.sem-w-<name>, still
// fits the 255-byte limit of a Linux path component.
inline constexpr size_t kMaxBufferNameLength = 245;

// A duplex channel adds "_response" (9 characters) to its name.
inline constexpr size_t kMaxChannelNameLength = kMaxBufferNameLength - 9;

// OK when `name` is 1..245 characters of [A-Za-z0-9._-], not made of dots
// only (".", "..": directory entries) and not starting with "sem." (that
// would alias a semaphore file in /dev/shm). Otherwise InvalidArgument with
// the reason.
absl::Status ValidateBufferName(const std::string& name);

// The names of one buffer's objects in `object_namespace`: portable names,
// with the "Global\" prefix for kGlobal on Windows (see
// platform::GlobalObjectName); the platform layer adds the rest of the OS
// decoration ("/" on POSIX).
struct BufferObjectNames {
  std::string segment;          // <name>
  std::string write_semaphore;  // sem-w-<name>: "a frame was written"
  std::string read_semaphore;   // sem-r-<name>: "space was freed"

  static BufferObjectNames For(
      const std::string& name,
      ObjectNamespace object_namespace = ObjectNamespace::kSession);
};

// The lock file names the reader holds, one per lock directory: the C++ and
// Python directory first, then the C# one.
std::vector<std::string> LockFilePaths(const std::string& buffer_name);

// The lock directories, in the order of LockFilePaths.
std::vector<std::string> LockDirectories();

inline constexpr char kLockFileSuffix[] = ".lock";

// Duplex channels are two buffers (protocol.md section 2.5).
std::string DuplexRequestBufferName(const std::string& channel);
std::string DuplexResponseBufferName(const std::string& channel);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_NAMES_H_
