#include "tests/support/unique_names.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "platform/process.h"

namespace zerobuffer::testing {

const std::string& TestProcessMarker() {
  static const std::string* marker =
      new std::string(absl::StrCat("zbt-", platform::CurrentProcessId(), "-"));
  return *marker;
}

std::string UniqueBufferName(const std::string& tag) {
  static std::atomic<int> counter{0};
  return absl::StrCat(TestProcessMarker(), tag, "-", counter.fetch_add(1));
}

}  // namespace zerobuffer::testing
