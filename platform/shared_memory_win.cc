#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/shared_memory.h"
#include "platform/win32_errors.h"

namespace zerobuffer::platform {

// `permissions` is ignored: Win32 objects carry ACLs, not mode bits, and the
// creator's default DACL is what the other implementations use too.
absl::StatusOr<SharedMemory> SharedMemory::CreateExclusive(
    const std::string& name, size_t size,
    std::optional<uint32_t> /*permissions*/) {
  if (size == 0) {
    return absl::InvalidArgumentError("shared memory size must be positive");
  }
  const absl::StatusOr<std::wstring> object_name =
      win32::ObjectName(name, "shared memory");
  if (!object_name.ok()) return object_name.status();
  const uint64_t size64 = size;
  const HANDLE mapping =
      CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE,
                         static_cast<DWORD>(size64 >> 32),
                         static_cast<DWORD>(size64), object_name->c_str());
  if (mapping == nullptr) {
    return win32::Win32Error(GetLastError(), "CreateFileMappingW", name);
  }
  // On an existing name Windows hands back a handle to that object instead
  // of failing; closing it leaves the owner's object untouched.
  if (GetLastError() == ERROR_ALREADY_EXISTS) {
    CloseHandle(mapping);
    return win32::Win32Error(ERROR_ALREADY_EXISTS, "CreateFileMappingW", name);
  }
  // Pagefile-backed sections start zero-filled, so nothing needs clearing.
  // On failure, closing our only handle destroys the new object, leaving the
  // name free again.
  void* data = MapViewOfFile(mapping, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, 0);
  if (data == nullptr) {
    const DWORD error = GetLastError();
    CloseHandle(mapping);
    return win32::Win32Error(error, "MapViewOfFile", name);
  }
  return SharedMemory(static_cast<std::byte*>(data), size,
                      reinterpret_cast<intptr_t>(mapping));
}

absl::StatusOr<SharedMemory> SharedMemory::Open(const std::string& name) {
  const absl::StatusOr<std::wstring> object_name =
      win32::ObjectName(name, "shared memory");
  if (!object_name.ok()) return object_name.status();
  const HANDLE mapping = OpenFileMappingW(FILE_MAP_READ | FILE_MAP_WRITE, FALSE,
                                          object_name->c_str());
  if (mapping == nullptr) {
    return win32::Win32Error(GetLastError(), "OpenFileMappingW", name);
  }
  void* data = MapViewOfFile(mapping, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, 0);
  if (data == nullptr) {
    const DWORD error = GetLastError();
    CloseHandle(mapping);
    return win32::Win32Error(error, "MapViewOfFile", name);
  }
  // Win32 does not report a section's size to openers; the view's region is
  // that size rounded up to whole pages.
  MEMORY_BASIC_INFORMATION info;
  if (VirtualQuery(data, &info, sizeof(info)) == 0) {
    const DWORD error = GetLastError();
    UnmapViewOfFile(data);
    CloseHandle(mapping);
    return win32::Win32Error(error, "VirtualQuery", name);
  }
  return SharedMemory(static_cast<std::byte*>(data), info.RegionSize,
                      reinterpret_cast<intptr_t>(mapping));
}

absl::Status SharedMemory::Unlink(const std::string& name) {
  return absl::UnimplementedError(
      absl::StrCat("shared memory \"", name,
                   "\" has no name to remove on Windows: the "
                   "kernel destroys it with its last handle"));
}

std::optional<std::string> SharedMemory::FilesystemPath(
    const std::string& /*name*/) {
  return std::nullopt;
}

SharedMemory::SharedMemory(SharedMemory&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      section_(std::exchange(other.section_, 0)) {}

SharedMemory& SharedMemory::operator=(SharedMemory&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    section_ = std::exchange(other.section_, 0);
  }
  return *this;
}

SharedMemory::~SharedMemory() { Release(); }

void SharedMemory::Release() {
  if (data_ != nullptr) UnmapViewOfFile(data_);
  if (section_ != 0) CloseHandle(reinterpret_cast<HANDLE>(section_));
  data_ = nullptr;
  size_ = 0;
  section_ = 0;
}

}  // namespace zerobuffer::platform
