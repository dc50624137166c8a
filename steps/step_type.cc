#include "steps/step_type.h"

#include "absl/strings/ascii.h"

namespace zerobuffer::steps {

const char* StepTypeName(StepType type) {
  switch (type) {
    case StepType::kGiven:
      return "Given";
    case StepType::kWhen:
      return "When";
    case StepType::kThen:
      return "Then";
  }
  return "Given";
}

std::optional<StepType> ParseStepType(const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "given") return StepType::kGiven;
  if (lower == "when") return StepType::kWhen;
  if (lower == "then") return StepType::kThen;
  return std::nullopt;
}

}  // namespace zerobuffer::steps
