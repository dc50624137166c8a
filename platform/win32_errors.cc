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

absl::Status Win32Error(DWORD error, const char* call,
                        const std::string& object) {
  char text[256];
  const DWORD length =
      FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                     nullptr, error, 0, text, sizeof(text), nullptr);
  return absl::Status(
      StatusCodeForWin32Error(error),
      absl::StrCat(
          call, object.empty() ? "" : absl::StrCat("(\"", object, "\")"), ": ",
          absl::StripTrailingAsciiWhitespace(absl::string_view(text, length)),
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

absl::StatusOr<std::wstring> ObjectName(const std::string& name,
                                        const char* kind) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " name must not be empty"));
  }
  return Widen(name);
}

}  // namespace zerobuffer::platform::win32
