// Everything one step-server process remembers between the steps of a
// scenario: who it is, its log, its background work, and the state each
// step library keeps. Reset by initialize, cleanup and "the test
// environment is initialized".

#ifndef ZEROBUFFER_STEPS_CONTEXT_H_
#define ZEROBUFFER_STEPS_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "steps/step_log.h"
#include "steps/support/background_tasks.h"
#include "steps/support/isolation_names.h"

namespace zerobuffer::steps {

struct ProcessIdentity {
  std::string role;      // "reader", "writer", "server", "client"
  std::string platform;  // "cpp", "csharp", "python"
  uint64_t host_pid = 0;
  uint64_t feature_id = 0;
};

// What a step asks of its process besides a result: some steps stand for a
// process dying (step-catalog 2.8), which the step server carries out once
// the reply is on its way.
struct ProcessFate {
  bool die_abruptly = false;
  absl::Duration delay = absl::ZeroDuration();
};

// Rows of cells, header row first, as the feature file writes them.
using StepTable = std::vector<std::vector<std::string>>;

class StepContext {
 public:
  explicit StepContext(StepLog& log) : log_(log) {}
  ~StepContext() { Reset(); }
  StepContext(const StepContext&) = delete;
  StepContext& operator=(const StepContext&) = delete;

  StepLog& log() { return log_; }

  const ProcessIdentity& identity() const { return identity_; }
  void SetIdentity(ProcessIdentity identity);

  // The physical name for a buffer or channel named in a sentence.
  std::string PhysicalName(const std::string& name) { return names_.For(name); }

  BackgroundTasks& tasks() { return tasks_; }

  // How long a step may take before the step server gives up on it; steps
  // that loop keep well inside it.
  absl::Duration step_time_limit() const { return step_time_limit_; }
  void set_step_time_limit(absl::Duration limit) { step_time_limit_ = limit; }

  // The data table of the step being executed (empty when it has none).
  const StepTable& table() const { return table_; }
  void set_table(StepTable table) { table_ = std::move(table); }

  void RequestAbruptDeath(absl::Duration delay = absl::ZeroDuration()) {
    fate_ = {true, delay};
  }
  ProcessFate TakeFate() { return std::exchange(fate_, ProcessFate{}); }

  // The state a step library keeps, created on first use. Step libraries
  // own their state types, so the context needs no knowledge of them.
  template <typename T>
  T& State() {
    const std::type_index type(typeid(T));
    for (auto& [key, state] : states_) {
      if (key == type) return *static_cast<T*>(state.get());
    }
    auto state = std::make_shared<T>();
    T& result = *state;
    states_.emplace_back(type, std::move(state));
    return result;
  }

  // Stops background work, then drops all state (newest first, so state
  // may refer to state created before it) and cached names.
  void Reset();

 private:
  StepLog& log_;
  ProcessIdentity identity_;
  IsolationNames names_;
  BackgroundTasks tasks_;
  StepTable table_;
  ProcessFate fate_;
  absl::Duration step_time_limit_ = absl::Seconds(30);
  std::vector<std::pair<std::type_index, std::shared_ptr<void>>> states_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_CONTEXT_H_
