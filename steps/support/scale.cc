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

std::string Provenance(double default_fraction) {
  if (std::optional<double> fraction = ScaleFromEnvironment()) {
    return absl::StrCat("scale ", *fraction, " from ", kVariable);
  }
  return absl::StrCat("default scale ", default_fraction, "; set ", kVariable,
                      "=1 for the full size");
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
  context.log().Info(absl::StrCat("Running ", scaled, " of ", named, " ", what,
                                  " (", Provenance(default_fraction), ")"));
  return scaled;
}

absl::Duration ScaledDuration(StepContext& context, absl::Duration named,
                              double default_fraction, absl::Duration minimum,
                              const std::string& what) {
  const absl::Duration scaled =
      std::min(named, std::max(minimum, named * StepScale(default_fraction)));
  context.log().Info(absl::StrCat("Running ", absl::FormatDuration(scaled),
                                  " of ", absl::FormatDuration(named), " ",
                                  what, " (", Provenance(default_fraction),
                                  ")"));
  return scaled;
}

}  // namespace zerobuffer::steps
