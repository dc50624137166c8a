// Work a step starts and later steps join: a writer pumping thousands of
// frames while the reader's steps run, a read blocked on an empty ring.
// Harmony sends one step at a time, so a step that blocked until the other
// process acted would never see that process's step (step-catalog 2.6).

#ifndef ZEROBUFFER_STEPS_SUPPORT_BACKGROUND_TASKS_H_
#define ZEROBUFFER_STEPS_SUPPORT_BACKGROUND_TASKS_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace zerobuffer::steps {

class BackgroundTask {
 public:
  // The body runs on its own thread; it should return soon after `stop` is
  // requested. Its status (or a caught exception's message) is the result.
  using Body = std::function<absl::Status(std::stop_token stop)>;

  BackgroundTask(std::string name, Body body);
  // Requests a stop and joins.
  ~BackgroundTask();

  const std::string& name() const { return name_; }

  // Waits up to `timeout` for the body to finish; its result, or nullopt if
  // it is still running.
  std::optional<absl::Status> WaitFor(absl::Duration timeout);
  bool finished();

  void RequestStop() { thread_.request_stop(); }

 private:
  const std::string name_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<absl::Status> result_;
  std::jthread thread_;  // last: joined before the members it uses go away
};

// The tasks of one process, by name. Starting a task under a name in use
// stops and replaces the old one.
class BackgroundTasks {
 public:
  BackgroundTask& Start(const std::string& name, BackgroundTask::Body body);
  // nullptr when there is no such task.
  BackgroundTask* Find(const std::string& name);
  // Stops and joins every task.
  void StopAll();

 private:
  std::map<std::string, std::unique_ptr<BackgroundTask>> tasks_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_BACKGROUND_TASKS_H_
