#include "serve/harmony/messages.h"

#include <cstdint>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "serve/harmony/step_table.h"
#include "serve/jsonrpc/decimal.h"
#include "serve/jsonrpc/message.h"

namespace zerobuffer::serve {
namespace {

absl::StatusOr<std::string> OptionalString(const Json& object,
                                           const std::string& name) {
  const Json* value = FindProperty(object, name);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(name, " must be a string"));
  }
  return value->get<std::string>();
}

// A non-negative integer, or a string holding one: Newtonsoft, and so the
// C# tools, convert numeric strings to integers.
absl::StatusOr<uint64_t> OptionalCount(const Json& object,
                                       const std::string& name) {
  const Json* value = FindProperty(object, name);
  if (value == nullptr || value->is_null()) return 0;
  if (value->is_number_unsigned()) return value->get<uint64_t>();
  if (value->is_number_integer() && value->get<int64_t>() >= 0) {
    return static_cast<uint64_t>(value->get<int64_t>());
  }
  if (value->is_string()) {
    const std::optional<uint64_t> count =
        jsonrpc::ParseDecimal<uint64_t>(value->get_ref<const std::string&>());
    if (count.has_value()) return *count;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(name, " must be a non-negative integer; got ",
                   jsonrpc::ToJsonText(*value)));
}

// Harmony sends 0, 1 or 2; other tools send the names. Anything else is
// not an error (contract 8): steps are matched by text alone.
std::optional<steps::StepType> KnownStepType(const Json& value) {
  if (value.is_number_integer()) {
    const int64_t number = value.get<int64_t>();
    if (number >= 0 && number <= 2) return static_cast<steps::StepType>(number);
    return std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text == "0" || text == "1" || text == "2") {
    return static_cast<steps::StepType>(text[0] - '0');
  }
  return steps::ParseStepType(text);
}

absl::StatusOr<std::optional<steps::StepTable>> ParseTable(
    const Json& request) {
  const Json* table = FindProperty(request, "Table");
  if (table == nullptr) {
    if (const Json* parameters = FindProperty(request, "Parameters")) {
      table = FindProperty(*parameters, "Table");
    }
  }
  if (table == nullptr || table->is_null()) return std::nullopt;
  return ParseStepTable(*table);
}

Json LogsJson(const std::vector<steps::LogEntry>& entries) {
  Json logs = Json::array();
  for (const steps::LogEntry& entry : entries) {
    logs.push_back(LogEntryJson(entry));
  }
  return logs;
}

}  // namespace

absl::StatusOr<Json> SingleArgument(const Json& params) {
  if (params.is_null()) return Json::object();
  if (params.is_object()) return params;
  if (params.is_array()) {
    if (params.empty()) return Json::object();
    if (params.size() == 1 && params[0].is_object()) return params[0];
  }
  return absl::InvalidArgumentError(
      "params must be [ {...} ] or {...}, as Harmony sends them");
}

const Json* FindProperty(const Json& object, const std::string& name) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (absl::EqualsIgnoreCase(it.key(), name)) return &it.value();
  }
  return nullptr;
}

absl::StatusOr<steps::ProcessIdentity> ParseInitialize(const Json& params) {
  absl::StatusOr<Json> request = SingleArgument(params);
  if (!request.ok()) return request.status();
  steps::ProcessIdentity identity;
  absl::StatusOr<std::string> role = OptionalString(*request, "Role");
  absl::StatusOr<std::string> platform = OptionalString(*request, "Platform");
  absl::StatusOr<uint64_t> host_pid = OptionalCount(*request, "HostPid");
  absl::StatusOr<uint64_t> feature_id = OptionalCount(*request, "FeatureId");
  for (const absl::Status& status : {role.status(), platform.status(),
                                     host_pid.status(), feature_id.status()}) {
    if (!status.ok()) return status;
  }
  identity.role = *role;
  identity.platform = *platform;
  identity.host_pid = *host_pid;
  identity.feature_id = *feature_id;
  return identity;
}

absl::StatusOr<steps::StepRequest> ParseExecuteStep(const Json& params) {
  absl::StatusOr<Json> request = SingleArgument(params);
  if (!request.ok()) return request.status();
  const Json* step = FindProperty(*request, "Step");
  if (step == nullptr || !step->is_string()) {
    return absl::InvalidArgumentError("executeStep needs a string Step");
  }
  steps::StepRequest parsed;
  parsed.text = step->get<std::string>();
  if (const Json* type = FindProperty(*request, "StepType");
      type != nullptr && !type->is_null()) {
    parsed.type = KnownStepType(*type);
    if (!parsed.type.has_value()) {
      parsed.unrecognized_type = jsonrpc::ToJsonText(*type);
    }
  }
  absl::StatusOr<std::string> process = OptionalString(*request, "Process");
  if (!process.ok()) return process.status();
  parsed.process = *process;
  if (const Json* broadcast = FindProperty(*request, "IsBroadcast")) {
    if (!broadcast->is_boolean() && !broadcast->is_null()) {
      return absl::InvalidArgumentError("IsBroadcast must be a boolean");
    }
    parsed.is_broadcast = broadcast->is_boolean() && broadcast->get<bool>();
  }
  absl::StatusOr<std::optional<steps::StepTable>> table = ParseTable(*request);
  if (!table.ok()) return table.status();
  parsed.table = *std::move(table);
  return parsed;
}

Json LogEntryJson(const steps::LogEntry& entry) {
  return {{"Timestamp", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", entry.time,
                                         absl::UTCTimeZone())},
          {"Level", static_cast<int>(entry.level)},
          {"Message", entry.message}};
}

Json StepResponse(const steps::StepOutcome& outcome) {
  return {{"Success", outcome.success},
          {"Error", outcome.success ? Json(nullptr) : Json(outcome.error)},
          {"Context", Json::object()},
          {"Logs", LogsJson(outcome.logs)}};
}

Json FailedStepResponse(const std::string& error) {
  steps::StepOutcome outcome;
  outcome.error = error;
  outcome.logs.push_back({absl::Now(), steps::LogLevel::kError, error});
  return StepResponse(outcome);
}

Json DiscoverResponse(const steps::StepRegistry& registry) {
  Json steps_json = Json::array();
  for (const auto& definition : registry.definitions()) {
    steps_json.push_back(
        {{"Type", steps::StepTypeName(definition->type())},
         {"Pattern", absl::StrCat("^", definition->pattern(), "$")}});
  }
  return {{"Steps", steps_json}};
}

}  // namespace zerobuffer::serve
