#include "serve/harmony/messages.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

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

absl::StatusOr<uint64_t> OptionalCount(const Json& object,
                                       const std::string& name) {
  const Json* value = FindProperty(object, name);
  if (value == nullptr || value->is_null()) return 0;
  if (value->is_number_unsigned()) return value->get<uint64_t>();
  if (value->is_number_integer() && value->get<int64_t>() >= 0) {
    return static_cast<uint64_t>(value->get<int64_t>());
  }
  return absl::InvalidArgumentError(
      absl::StrCat(name, " must be a non-negative integer"));
}

absl::StatusOr<std::optional<steps::StepType>> ParseStepType(
    const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_number_integer()) {
    const int64_t number = value.get<int64_t>();
    if (number >= 0 && number <= 2) {
      return static_cast<steps::StepType>(number);
    }
  } else if (value.is_string()) {
    if (auto type = steps::ParseStepType(value.get<std::string>())) {
      return type;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "StepType must be 0, 1, 2 or Given, When, Then; got ", value.dump()));
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
  const absl::Status malformed =
      absl::InvalidArgumentError("Table must be an array of arrays of strings");
  if (!table->is_array()) return malformed;
  steps::StepTable rows;
  for (const Json& row : *table) {
    if (!row.is_array()) return malformed;
    std::vector<std::string>& cells = rows.emplace_back();
    for (const Json& cell : row) {
      if (!cell.is_string()) return malformed;
      cells.push_back(cell.get<std::string>());
    }
  }
  return rows;
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
  if (const Json* type = FindProperty(*request, "StepType")) {
    absl::StatusOr<std::optional<steps::StepType>> step_type =
        ParseStepType(*type);
    if (!step_type.ok()) return step_type.status();
    parsed.type = *step_type;
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
