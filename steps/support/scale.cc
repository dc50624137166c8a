#include "steps/support/scale.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace zerobuffer::steps {
namespace {

constexpr char kVariable[] = "ZEROBUFFER_STEP_SCALE";

std::optional<double> ScaleFromEnvironment() {
  const char* text = std::getenv(kVariable);
  double fraction = 0;
  if (text != nullptr && absl::SimpleAtod(text, &fraction) && fraction > 0 &&
      fraction <= 1) {
    return fraction;
  }
  return std::nullopt;
}

// What ran against what the sentence names: "Running 200 of 10000 frames
// (default scale 0.02; ZEROBUFFER_STEP_SCALE=1 runs all 10000)", or, when
// nothing was cut, "Running 10000 frames: the full size (default scale 1)".
std::string Describe(const std::string& ran, const std::string& named,
                     const std::string& what, double default_fraction) {
  const std::optional<double> from_environment = ScaleFromEnvironment();
  const std::string scale =
      from_environment.has_value()
          ? absl::StrCat("scale ", *from_environment, " from ", kVariable)
          : absl::StrCat("default scale ", default_fraction);
  if (ran == named) {
    return absl::StrCat("Running ", ran, " ", what, ": the full size (", scale,
                        ")");
  }
  return absl::StrCat("Running ", ran, " of ", named, " ", what, " (", scale,
                      "; ", kVariable, "=1 runs all ", named, ")");
}

}  // namespace

double StepScale(double default_fraction) {
  return ScaleFromEnvironment().value_or(default_fraction);
}

uint64_t ScaledCount(StepContext& context, uint64_t named,
                     double default_fraction, uint64_t minimum,
                     const std::string& what) {
  const uint64_t scaled = std::min(
      named, std::max(minimum, static_cast<uint64_t>(std::llround(
                                   named * StepScale(default_fraction)))));
  context.log().Info(Describe(absl::StrCat(scaled), absl::StrCat(named), what,
                              default_fraction));
  return scaled;
}

absl::Duration ScaledDuration(StepContext& context, absl::Duration named,
                              double default_fraction, absl::Duration minimum,
                              const std::string& what) {
  const absl::Duration scaled =
      std::min(named, std::max(minimum, named * StepScale(default_fraction)));
  context.log().Info(Describe(absl::FormatDuration(scaled),
                              absl::FormatDuration(named), what,
                              default_fraction));
  return scaled;
}

}  // namespace zerobuffer::steps
