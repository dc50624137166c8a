#include "steps/support/isolation_names.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "platform/process.h"

namespace zerobuffer::steps {
namespace {

std::optional<uint64_t> PositiveFromEnvironment(const char* variable) {
  const char* text = std::getenv(variable);
  uint64_t value = 0;
  if (text == nullptr || !absl::SimpleAtoi(text, &value) || value == 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

IsolationNames::IsolationNames()
    : host_pid_(PositiveFromEnvironment("HARMONY_HOST_PID")),
      feature_id_(PositiveFromEnvironment("HARMONY_FEATURE_ID")) {}

void IsolationNames::Configure(uint64_t host_pid, uint64_t feature_id) {
  if (!host_pid_.has_value() && host_pid > 0) host_pid_ = host_pid;
  if (!feature_id_.has_value() && feature_id > 0) feature_id_ = feature_id;
  names_.clear();
}

std::string IsolationNames::For(const std::string& name) {
  auto [it, inserted] = names_.try_emplace(name);
  if (inserted) {
    it->second = host_pid_.has_value() && feature_id_.has_value()
                     ? absl::StrCat(name, "_", *host_pid_, "_", *feature_id_)
                     : absl::StrCat(name, "_", platform::CurrentProcessId(),
                                    "_", absl::ToUnixMillis(absl::Now()));
  }
  return it->second;
}

}  // namespace zerobuffer::steps
