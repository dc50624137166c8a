// What Harmony makes of an executeStep result (harmony-contract §4, §5.3).
//
// Harmony converts the result to its StepResponse record with Newtonsoft:
// property names match regardless of case, unknown ones are ignored and
// missing ones take defaults, but a value of the wrong kind (a log Level of
// "INFO", a Timestamp that is a number) makes the whole call fail. Reading
// results the same way catches a serve that would break under Harmony.

#ifndef ZEROBUFFER_TESTS_HARMONY_STEP_RESPONSE_H_
#define ZEROBUFFER_TESTS_HARMONY_STEP_RESPONSE_H_

#include <string>

#include "absl/status/statusor.h"
#include "serve/jsonrpc/message.h"

namespace zerobuffer::harmony {

struct StepReply {
  bool success = false;  // a missing Success means false
  std::string error;     // empty when Error is missing or null
};

// kInvalidArgument, naming the offending property, when Harmony could not
// convert `result`.
absl::StatusOr<StepReply> ReadStepResponse(const jsonrpc::Json& result);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_STEP_RESPONSE_H_
