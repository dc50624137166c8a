#include "steps/executor.h"

#include <exception>

#include "absl/strings/str_cat.h"
#include "steps/step_failure.h"
#include "zerobuffer/errors.h"

namespace zerobuffer::steps {

StepOutcome StepExecutor::Execute(const StepRequest& request) {
  StepOutcome outcome;
  outcome.error = Run(request);
  outcome.success = outcome.error.empty();
  if (!outcome.success) {
    context_.log().Add(LogLevel::kError,
                       absl::StrCat("Step failed: ", outcome.error));
  }
  outcome.logs = context_.log().TakeEntries();
  outcome.fate = context_.TakeFate();
  return outcome;
}

std::string StepExecutor::Run(const StepRequest& request) {
  context_.log().Add(
      LogLevel::kDebug,
      absl::StrCat(request.is_broadcast ? "Broadcast step: " : "Step: ",
                   request.text));
  if (!request.unrecognized_type.empty()) {
    context_.log().Warning(absl::StrCat(
        "StepType ", request.unrecognized_type,
        " is none of Given, When, Then (0, 1, 2); the step is matched by its "
        "text alone"));
  }
  absl::StatusOr<StepMatch> match = registry_.Match(request.text);
  if (!match.ok()) return std::string(match.status().message());
  context_.set_table(request.table.value_or(StepTable{}));
  try {
    const absl::Status status =
        match->definition->Invoke(context_, match->captures);
    return status.ok() ? "" : std::string(status.message());
  } catch (const ZeroBufferException& error) {
    return absl::StrCat(ErrorCodeName(error.code()), ": ", error.what());
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "the step threw something that is not a std::exception";
  }
}

}  // namespace zerobuffer::steps
