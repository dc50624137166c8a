#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include "platform/win32_errors.h"

#include <windows.h>

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace zerobuffer::platform::win32 {

static_assert(std::is_same_v<DWORD, unsigned long>,
              "win32_errors.h spells DWORD as unsigned long");

absl::StatusCode StatusCodeForWin32Error(DWORD error) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
      return absl::StatusCode::kNotFound;
    case ERROR_ALREADY_EXISTS:
      return absl::StatusCode::kAlreadyExists;
    case ERROR_ACCESS_DENIED:
      return absl::StatusCode::kPermissionDenied;
    case ERROR_TOO_MANY_POSTS:
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT:
    case ERROR_DISK_FULL:
      return absl::StatusCode::kResourceExhausted;
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_NAME:
    case ERROR_FILENAME_EXCED_RANGE:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kUnknown;
  }
}

namespace {

// The system's text for `error`, in UTF-8 and of any length; empty when the
// system has none.
std::string SystemMessage(DWORD error) {
  wchar_t* text = nullptr;
  // With ALLOCATE_BUFFER the argument is where to store the LocalAlloc'ed
  // buffer's address, hence the cast.
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
          FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, error, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  if (length == 0 || text == nullptr) return std::string();
  std::string message = Narrow(std::wstring_view(text, length));
  LocalFree(text);
  return message;
}

}  // namespace

absl::Status Win32Error(DWORD error, const char* call,
                        const std::string& object) {
  const std::string message = SystemMessage(error);
  return absl::Status(
      StatusCodeForWin32Error(error),
      absl::StrCat(call,
                   object.empty() ? "" : absl::StrCat("(\"", object, "\")"),
                   ": ", absl::StripTrailingAsciiWhitespace(message),
                   " (Win32 error ", error, ")"));
}

absl::StatusOr<std::wstring> Widen(const std::string& utf8) {
  if (utf8.empty()) return std::wstring();
  const int size = static_cast<int>(utf8.size());
  const int length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS,
                                         utf8.data(), size, nullptr, 0);
  if (length == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", utf8, "\" is not valid UTF-8"));
  }
  std::wstring wide(static_cast<size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), size,
                      wide.data(), length);
  return wide;
}

std::string Narrow(std::wstring_view wide) {
  if (wide.empty()) return std::string();
  const int size = static_cast<int>(wide.size());
  const int length = WideCharToMultiByte(CP_UTF8, 0, wide.data(), size, nullptr,
                                         0, nullptr, nullptr);
  std::string utf8(static_cast<size_t>(length), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), size, utf8.data(), length,
                      nullptr, nullptr);
  return utf8;
}

absl::StatusOr<std::wstring> FilePath(const std::string& path) {
  absl::StatusOr<std::wstring> wide = Widen(path);
  if (!wide.ok()) return wide;
  // CreateDirectoryW stops at MAX_PATH - 12, leaving room for an 8.3 name.
  constexpr size_t kLongestPlainPath = MAX_PATH - 12 - 1;
  if (wide->size() <= kLongestPlainPath || wide->starts_with(L"\\\\?\\")) {
    return wide;
  }
  const DWORD needed = GetFullPathNameW(wide->c_str(), 0, nullptr, nullptr);
  if (needed == 0) {
    return Win32Error(GetLastError(), "GetFullPathNameW", path);
  }
  std::wstring full(needed, L'\0');
  const DWORD length =
      GetFullPathNameW(wide->c_str(), needed, full.data(), nullptr);
  if (length == 0 || length >= needed) {
    return Win32Error(GetLastError(), "GetFullPathNameW", path);
  }
  full.resize(length);
  if (full.starts_with(L"\\\\")) {
    return std::wstring(L"\\\\?\\UNC\\") + full.substr(2);
  }
  return std::wstring(L"\\\\?\\") + full;
}

absl::StatusOr<std::wstring> ObjectName(const std::string& name,
                                        const char* kind) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " name must not be empty"));
  }
  return Widen(name);
}

}  // namespace zerobuffer::platform::win32
