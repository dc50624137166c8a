// The params of Harmony's requests to a step server, built as Harmony builds
// them (harmony-contract.md): the one object inside each request's params
// array. The runner sends these; the contract tests send them by hand.

#ifndef ZEROBUFFER_TESTS_HARMONY_HARMONY_REQUESTS_H_
#define ZEROBUFFER_TESTS_HARMONY_HARMONY_REQUESTS_H_

#include <cstdint>
#include <string>

#include "serve/jsonrpc/message.h"
#include "steps/step_type.h"

namespace zerobuffer::harmony {

// initialize: Scenario is always "test" and TestRunId "<HostPid>_<FeatureId>",
// as Harmony hard-codes them.
jsonrpc::Json InitializeRequest(const std::string& role,
                                const std::string& platform, uint64_t host_pid,
                                int feature_id);

// executeStep of `text` in process `role`, with empty Parameters and Context.
jsonrpc::Json ExecuteStepRequest(const std::string& role, steps::StepType type,
                                 const std::string& text, bool is_broadcast);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_HARMONY_REQUESTS_H_
