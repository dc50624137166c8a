#include "tests/harmony/step_response.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "serve/harmony/messages.h"

namespace zerobuffer::harmony {
namespace {

using jsonrpc::Json;

absl::Status Unconvertible(const std::string& where, const Json& value,
                           const std::string& expected) {
  return absl::InvalidArgumentError(absl::StrCat(
      "Harmony cannot convert the executeStep result: ", where, " is ",
      value.dump(-1, ' ', false, Json::error_handler_t::replace), ", expected ",
      expected));
}

// Newtonsoft turns any JSON scalar into a string; objects and arrays fail.
bool ConvertsToString(const Json& value) {
  return !value.is_object() && !value.is_array();
}

// Newtonsoft's bool conversion: JSON booleans, integers (non-zero is true)
// and Boolean.Parse strings.
absl::StatusOr<bool> ToBool(const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) return value.get<int64_t>() != 0;
  if (value.is_string()) {
    const std::string text(
        absl::StripAsciiWhitespace(value.get<std::string>()));
    if (absl::EqualsIgnoreCase(text, "true")) return true;
    if (absl::EqualsIgnoreCase(text, "false")) return false;
  }
  return Unconvertible("Success", value, "a boolean");
}

// Microsoft.Extensions.Logging.LogLevel: any integer, a member name in any
// case, or a numeric string.
bool ConvertsToLogLevel(const Json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_string()) return false;
  const std::string text(absl::StripAsciiWhitespace(value.get<std::string>()));
  int64_t number = 0;
  if (absl::SimpleAtoi(text, &number)) return true;
  for (const char* name : {"Trace", "Debug", "Information", "Warning", "Error",
                           "Critical", "None"}) {
    if (absl::EqualsIgnoreCase(text, name)) return true;
  }
  return false;
}

// DateTime accepts more than ISO-8601, but ISO-8601 is what every serve
// should send (contract §8), so anything else is reported.
bool IsIsoTimestamp(const Json& value) {
  static const RE2 kIso8601(
      R"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
      R"((?:Z|[+-]\d{2}:?\d{2})?)?)");
  return value.is_string() &&
         RE2::FullMatch(value.get<std::string>(), kIso8601);
}

absl::Status CheckContext(const Json& context) {
  if (context.is_null()) return absl::OkStatus();
  if (!context.is_object()) {
    return Unconvertible("Context", context, "an object of strings or null");
  }
  for (const auto& [key, value] : context.items()) {
    if (!ConvertsToString(value)) {
      return Unconvertible(absl::StrCat("Context.", key), value, "a string");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLogEntry(const Json& entry, const std::string& where) {
  if (!entry.is_object()) {
    // A null entry converts, but Harmony then dereferences it and fails.
    return Unconvertible(where, entry, "a log entry object");
  }
  if (const Json* timestamp = serve::FindProperty(entry, "Timestamp");
      timestamp != nullptr && !IsIsoTimestamp(*timestamp)) {
    return Unconvertible(absl::StrCat(where, ".Timestamp"), *timestamp,
                         "an ISO-8601 string");
  }
  if (const Json* level = serve::FindProperty(entry, "Level");
      level != nullptr && !ConvertsToLogLevel(*level)) {
    return Unconvertible(absl::StrCat(where, ".Level"), *level,
                         "an integer or a LogLevel name");
  }
  if (const Json* message = serve::FindProperty(entry, "Message");
      message != nullptr && !ConvertsToString(*message)) {
    return Unconvertible(absl::StrCat(where, ".Message"), *message, "a string");
  }
  return absl::OkStatus();
}

absl::Status CheckLogs(const Json& logs) {
  if (logs.is_null()) return absl::OkStatus();
  if (!logs.is_array()) return Unconvertible("Logs", logs, "an array or null");
  for (size_t i = 0; i < logs.size(); ++i) {
    absl::Status entry = CheckLogEntry(logs[i], absl::StrCat("Logs[", i, "]"));
    if (!entry.ok()) return entry;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<StepReply> ReadStepResponse(const Json& result) {
  if (!result.is_object()) {
    // A null result converts to a null record, which Harmony dereferences.
    return Unconvertible("the result", result, "a StepResponse object");
  }
  StepReply reply;
  if (const Json* success = serve::FindProperty(result, "Success")) {
    absl::StatusOr<bool> value = ToBool(*success);
    if (!value.ok()) return value.status();
    reply.success = *value;
  }
  if (const Json* error = serve::FindProperty(result, "Error");
      error != nullptr && !error->is_null()) {
    if (!ConvertsToString(*error)) {
      return Unconvertible("Error", *error, "a string or null");
    }
    reply.error =
        error->is_string() ? error->get<std::string>() : error->dump();
  }
  if (const Json* context = serve::FindProperty(result, "Context")) {
    if (absl::Status status = CheckContext(*context); !status.ok()) {
      return status;
    }
  }
  if (const Json* logs = serve::FindProperty(result, "Logs")) {
    if (absl::Status status = CheckLogs(*logs); !status.ok()) return status;
  }
  return reply;
}

}  // namespace zerobuffer::harmony
