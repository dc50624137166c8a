// Helpers shared by the Win32 implementations in this package: Win32 errors
// as absl::Status, UTF-8 <-> UTF-16 conversion and kernel object names.
// Windows-only and private to //platform.

#ifndef ZEROBUFFER_PLATFORM_WIN32_ERRORS_H_
#define ZEROBUFFER_PLATFORM_WIN32_ERRORS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace zerobuffer::platform::win32 {

// DWORD is spelled `unsigned long` to keep <windows.h> out of this header.

// The absl::StatusCode for a GetLastError() value; kUnknown for errors
// without a closer match.
absl::StatusCode StatusCodeForWin32Error(unsigned long error);

// A status with StatusCodeForWin32Error(error) and the message
// `call("object"): <system text> (Win32 error <error>)`. `object` is empty
// where the failed call has no name to hand, as for calls on an open handle;
// the message is then `call: <system text> (Win32 error <error>)`.
absl::Status Win32Error(unsigned long error, const char* call,
                        const std::string& object = "");

// `utf8` as UTF-16; kInvalidArgument if it is not valid UTF-8.
absl::StatusOr<std::wstring> Widen(const std::string& utf8);

// `wide` as UTF-8. Names the file system hands us are UTF-16 and may hold
// unpaired surrogates; those become U+FFFD rather than failing.
std::string Narrow(std::wstring_view wide);

// `path` as a UTF-16 path the Win32 file calls accept at any length. Short
// paths stay as they are; long ones become absolute, with the "\\?\"
// prefix ("\\?\UNC\" for shares) that lifts the MAX_PATH limit. That
// prefix also turns off all normalisation, which GetFullPathNameW therefore
// does first (separators, "." and "..").
absl::StatusOr<std::wstring> FilePath(const std::string& path);

// `name` as the UTF-16 name of a named kernel object; `kind` ("semaphore",
// "shared memory") names the object in the error for an empty name, which
// would create an anonymous object nobody else can open. The name is used
// as given: a plain name puts the object in the caller's session namespace,
// as the C# implementation does, and GlobalObjectName (kernel_object_names.h)
// gives the "Global\" form for buffers shared across sessions.
absl::StatusOr<std::wstring> ObjectName(const std::string& name,
                                        const char* kind);

}  // namespace zerobuffer::platform::win32

#endif  // ZEROBUFFER_PLATFORM_WIN32_ERRORS_H_
