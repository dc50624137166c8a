// Harmony's request and result shapes (harmony-contract.md sections 4 and
// 5), read tolerantly and written the way Harmony deserialises best.
//
// Harmony sends params as a one-element array holding an object with
// PascalCase properties and integer enums; older tools send a bare object
// with camelCase properties and string enums. Both are accepted, with
// property names matched regardless of case and unknown properties ignored.

#ifndef ZEROBUFFER_SERVE_HARMONY_MESSAGES_H_
#define ZEROBUFFER_SERVE_HARMONY_MESSAGES_H_

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "steps/context.h"
#include "steps/executor.h"
#include "steps/registry.h"

namespace zerobuffer::serve {

using Json = nlohmann::json;

// The single argument object of a call: the element of a one-element
// array, or a bare object. [] and null mean "no argument" (an empty
// object). kInvalidArgument for anything else.
absl::StatusOr<Json> SingleArgument(const Json& params);

// The property `name` of `object`, compared ignoring case; nullptr when
// absent or when `object` is not an object.
const Json* FindProperty(const Json& object, const std::string& name);

// initialize: Role, Platform, HostPid, FeatureId (all optional; the two
// numbers as integers or numeric strings).
absl::StatusOr<steps::ProcessIdentity> ParseInitialize(const Json& params);

// executeStep: Step (required), StepType, Process, IsBroadcast, and an
// optional Table (at the top level or inside Parameters, in any shape
// step_table.h accepts). StepType 0/1/2 or Given/When/Then (any case, or
// "0"/"1"/"2") sets the type; any other value is accepted as an unknown
// type (StepRequest::unrecognized_type), since steps match by text alone.
absl::StatusOr<steps::StepRequest> ParseExecuteStep(const Json& params);

// {"Success", "Error", "Context": {}, "Logs": [{"Timestamp", "Level",
// "Message"}]}: Timestamp ISO-8601 UTC, Level the integer LogLevel.
Json StepResponse(const steps::StepOutcome& outcome);

// One Logs entry: {"Timestamp": ISO-8601 UTC, "Level": int, "Message"}.
Json LogEntryJson(const steps::LogEntry& entry);

// A failed StepResponse produced by the server itself (a step that ran out
// of time, a worker that died), with the message also as its only log line.
Json FailedStepResponse(const std::string& error);

// {"Steps": [{"Type": "Given", "Pattern": "^...$"}]}.
Json DiscoverResponse(const steps::StepRegistry& registry);

}  // namespace zerobuffer::serve

#endif  // ZEROBUFFER_SERVE_HARMONY_MESSAGES_H_
