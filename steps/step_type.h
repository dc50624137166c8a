// Given, When, Then, with Harmony's integer values.

#ifndef ZEROBUFFER_STEPS_STEP_TYPE_H_
#define ZEROBUFFER_STEPS_STEP_TYPE_H_

#include <optional>
#include <string>

namespace zerobuffer::steps {

enum class StepType { kGiven = 0, kWhen = 1, kThen = 2 };

// "Given", "When", "Then".
const char* StepTypeName(StepType type);

// Accepts the names in any case; nullopt otherwise.
std::optional<StepType> ParseStepType(const std::string& name);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_STEP_TYPE_H_
