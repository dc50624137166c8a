// A named shared-memory segment, mapped read-write into this process.
//
// Object names are the portable names the protocol defines (for example
// "frames-1" or a UUID). POSIX adds the leading "/" shm_open wants; Windows
// uses the name as given, which puts the object in the caller's session (see
// kernel_object_names.h for the session-global form).

#ifndef ZEROBUFFER_PLATFORM_SHARED_MEMORY_H_
#define ZEROBUFFER_PLATFORM_SHARED_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zerobuffer::platform {

class SharedMemory {
 public:
  // Creates the segment `name`, failing with kAlreadyExists if it exists,
  // sizes it to exactly `size` bytes (zero-filled, with memory committed up
  // front, so a size the system cannot back fails here with
  // kResourceExhausted instead of faulting later) and maps it. When
  // `permissions` is set it is applied verbatim, bypassing the umask.
  static absl::StatusOr<SharedMemory> CreateExclusive(
      const std::string& name, size_t size,
      std::optional<uint32_t> permissions = std::nullopt);

  // Opens and maps the whole existing segment `name`; kNotFound if missing.
  static absl::StatusOr<SharedMemory> Open(const std::string& name);

  // Removes the name; existing mappings stay valid. kNotFound if missing.
  // kUnimplemented on Windows, where names cannot outlive their objects: the
  // kernel destroys a segment, name included, with its last handle, so a
  // crashed owner leaves nothing behind and there is nothing to remove.
  static absl::Status Unlink(const std::string& name);

  // Where the segment appears in the file system (/dev/shm/<name> on Linux),
  // or nullopt where the platform has no such file.
  static std::optional<std::string> FilesystemPath(const std::string& name);

  SharedMemory(SharedMemory&& other) noexcept;
  SharedMemory& operator=(SharedMemory&& other) noexcept;
  SharedMemory(const SharedMemory&) = delete;
  SharedMemory& operator=(const SharedMemory&) = delete;
  ~SharedMemory();

  std::byte* data() const { return data_; }
  // The mapped size; on Windows an opened segment reports its page-rounded
  // size, so callers compare with >=.
  size_t size() const { return size_; }

 private:
#if defined(_WIN32)
  SharedMemory(std::byte* data, size_t size, intptr_t section)
      : data_(data), size_(size), section_(section) {}
#else
  SharedMemory(std::byte* data, size_t size) : data_(data), size_(size) {}
#endif
  void Release();

  std::byte* data_ = nullptr;
  size_t size_ = 0;
#if defined(_WIN32)
  // The section's HANDLE. A named Win32 object loses its name when its last
  // handle closes, whatever views remain, so ours stays open as long as the
  // mapping. On POSIX the mapping alone keeps the segment and its name.
  intptr_t section_ = 0;
#endif
};

}  // namespace zerobuffer::platform

#endif  // ZEROBUFFER_PLATFORM_SHARED_MEMORY_H_
