// Runs one step: finds its definition, calls it, and turns whatever
// happens (a status, a library exception, anything thrown) into an outcome
// with the log lines produced along the way. Never throws.

#ifndef ZEROBUFFER_STEPS_EXECUTOR_H_
#define ZEROBUFFER_STEPS_EXECUTOR_H_

#include <optional>
#include <string>
#include <vector>

#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_log.h"
#include "steps/step_type.h"

namespace zerobuffer::steps {

struct StepRequest {
  std::string text;
  // Informational: steps are matched by text alone, because Harmony's And/But
  // resolution often sends another type than the feature file suggests.
  std::optional<StepType> type;
  // The type as sent (JSON text) when it is none of Given, When, Then:
  // accepted all the same (contract 8), with a warning.
  std::string unrecognized_type = {};
  std::string process;
  bool is_broadcast = false;
  std::optional<StepTable> table;
};

struct StepOutcome {
  bool success = false;
  std::string error;
  std::vector<LogEntry> logs;
  ProcessFate fate;
};

class StepExecutor {
 public:
  StepExecutor(const StepRegistry& registry, StepContext& context)
      : registry_(registry), context_(context) {}

  StepOutcome Execute(const StepRequest& request);

 private:
  // The failure message, or "" on success.
  std::string Run(const StepRequest& request);

  const StepRegistry& registry_;
  StepContext& context_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_EXECUTOR_H_
