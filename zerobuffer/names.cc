#include "zerobuffer/names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "platform/kernel_object_names.h"
#include "platform/paths.h"

namespace zerobuffer {
namespace {

bool IsNameCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

absl::Status ValidateBufferName(const std::string& name) {
  if (name.empty()) {
    return absl::InvalidArgumentError("buffer name is empty");
  }
  if (name.size() > kMaxBufferNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("buffer name is ", name.size(),
                     " characters long; the limit is ", kMaxBufferNameLength));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameCharacter(name[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "buffer name contains character 0x",
          absl::Hex(static_cast<unsigned char>(name[i]), absl::kZeroPad2),
          " at position ", i, "; allowed are A-Z a-z 0-9 . _ -"));
    }
  }
  if (name.find_first_not_of('.') == std::string::npos) {
    return absl::InvalidArgumentError(
        "buffer name must not consist of dots only");
  }
  if (absl::StartsWith(name, "sem.")) {
    return absl::InvalidArgumentError(
        "buffer name must not start with \"sem.\", which names semaphores");
  }
  return absl::OkStatus();
}

BufferObjectNames BufferObjectNames::For(const std::string& name,
                                         ObjectNamespace object_namespace) {
  BufferObjectNames names{name, absl::StrCat("sem-w-", name),
                          absl::StrCat("sem-r-", name)};
  if (object_namespace == ObjectNamespace::kGlobal) {
    for (std::string* object :
         {&names.segment, &names.write_semaphore, &names.read_semaphore}) {
      *object = platform::GlobalObjectName(*object);
    }
  }
  return names;
}

std::vector<std::string> LockDirectories() {
  return {platform::PrimaryLockDirectory(), platform::CompatLockDirectory()};
}

std::vector<std::string> LockFilePaths(const std::string& buffer_name) {
  std::vector<std::string> paths;
  for (const std::string& directory : LockDirectories()) {
    paths.push_back(platform::JoinPath(
        directory, absl::StrCat(buffer_name, kLockFileSuffix)));
  }
  return paths;
}

std::string DuplexRequestBufferName(const std::string& channel) {
  return absl::StrCat(channel, "_request");
}

std::string DuplexResponseBufferName(const std::string& channel) {
  return absl::StrCat(channel, "_response");
}

}  // namespace zerobuffer
