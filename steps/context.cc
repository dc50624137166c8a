#include "steps/context.h"

namespace zerobuffer::steps {

void StepContext::SetIdentity(ProcessIdentity identity) {
  identity_ = std::move(identity);
  names_.Configure(identity_.host_pid, identity_.feature_id);
  log_.SetSource(identity_.role);
}

void StepContext::Reset() {
  tasks_.StopAll();
  while (!states_.empty()) states_.pop_back();
  names_.Clear();
  table_.clear();
  fate_ = ProcessFate{};
}

}  // namespace zerobuffer::steps
