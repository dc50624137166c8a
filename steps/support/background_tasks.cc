#include "steps/support/background_tasks.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"

namespace zerobuffer::steps {

BackgroundTask::BackgroundTask(std::string name, Body body)
    : name_(std::move(name)),
      thread_([this, body = std::move(body)](std::stop_token stop) {
        absl::Status status;
        try {
          status = body(stop);
        } catch (const std::exception& error) {
          status = absl::InternalError(
              absl::StrCat("task '", name_, "' threw: ", error.what()));
        }
        std::lock_guard lock(mutex_);
        result_ = std::move(status);
        done_.notify_all();
      }) {}

BackgroundTask::~BackgroundTask() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

std::optional<absl::Status> BackgroundTask::WaitFor(absl::Duration timeout) {
  std::unique_lock lock(mutex_);
  done_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                 [this] { return result_.has_value(); });
  return result_;
}

bool BackgroundTask::finished() {
  std::lock_guard lock(mutex_);
  return result_.has_value();
}

BackgroundTask& BackgroundTasks::Start(const std::string& name,
                                       BackgroundTask::Body body) {
  tasks_.erase(name);  // stops and joins a task of the same name
  auto task = std::make_unique<BackgroundTask>(name, std::move(body));
  BackgroundTask& started = *task;
  tasks_[name] = std::move(task);
  return started;
}

BackgroundTask* BackgroundTasks::Find(const std::string& name) {
  const auto it = tasks_.find(name);
  return it == tasks_.end() ? nullptr : it->second.get();
}

void BackgroundTasks::StopAll() {
  for (auto& [name, task] : tasks_) task->RequestStop();
  tasks_.clear();
}

}  // namespace zerobuffer::steps
