#include "steps/support/captured_error.h"

#include "absl/strings/str_cat.h"
#include "steps/step_failure.h"

namespace zerobuffer::steps {
namespace {

std::string Describe(const CapturedError& captured) {
  if (!captured.attempted) return "nothing was attempted";
  if (!captured.failed()) return "the attempt succeeded";
  return absl::StrCat("the attempt failed with ",
                      captured.code.has_value() ? ErrorCodeName(*captured.code)
                                                : "a non-library error",
                      ": ", *captured.message);
}

}  // namespace

void Attempt(StepContext& context, const std::function<void()>& attempt) {
  CapturedError& captured = context.State<CapturedError>();
  captured = CapturedError();
  captured.attempted = true;
  try {
    attempt();
    context.log().Info("The attempt succeeded");
    return;
  } catch (const ZeroBufferException& error) {
    captured.code = error.code();
    captured.message = error.what();
  } catch (const std::exception& error) {
    captured.message = error.what();
  }
  context.log().Info(absl::StrCat("The attempt failed: ", *captured.message));
}

absl::Status ExpectCapturedError(StepContext& context, ErrorCode expected,
                                 const std::string& what) {
  const CapturedError& captured = context.State<CapturedError>();
  if (captured.code == expected) return absl::OkStatus();
  return Failed(absl::StrCat("expected ", what, " (", ErrorCodeName(expected),
                             "), but ", Describe(captured)));
}

absl::Status ExpectAnyCapturedError(StepContext& context,
                                    const std::string& what) {
  const CapturedError& captured = context.State<CapturedError>();
  if (captured.failed()) return absl::OkStatus();
  return Failed(absl::StrCat("expected ", what, ", but ", Describe(captured)));
}

}  // namespace zerobuffer::steps
