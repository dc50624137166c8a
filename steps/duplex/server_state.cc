#include "steps/duplex/server_state.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "steps/step_failure.h"

namespace zerobuffer::steps::duplex_steps {
size_t HandlerRecord::Begin(size_t request_size) {
  std::lock_guard lock(mutex_);
  calls_.push_back(HandlerCall{SteadyClock::now(), std::nullopt, request_size,
                               /*response_size=*/0});
  return calls_.size() - 1;
}

void HandlerRecord::Finish(size_t index, size_t response_size) {
  std::lock_guard lock(mutex_);
  calls_[index].finished = SteadyClock::now();
  calls_[index].response_size = response_size;
}

std::vector<HandlerCall> HandlerRecord::Calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

void HandlerRecord::Pause(SteadyClock::duration duration) {
  std::unique_lock lock(mutex_);
  released_changed_.wait_for(lock, duration, [this] { return released_; });
}

void HandlerRecord::BlockUntilReleased() {
  std::unique_lock lock(mutex_);
  released_changed_.wait(lock, [this] { return released_; });
}

void HandlerRecord::Release() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  released_changed_.notify_all();
}

ServerState::~ServerState() {
  ReleaseHandlers();
  server_.reset();
}

void ServerState::ReleaseHandlers() {
  record->Release();
  if (rendezvous != nullptr) rendezvous->Release();
}

void ServerState::Create(StepContext& context, const std::string& name,
                         const BufferConfig& buffer_config,
                         duplex::ProcessingMode processing_mode) {
  if (server_ != nullptr) {
    ReleaseHandlers();
    server_.reset();
    context.log().Info(
        absl::StrCat("Stopped the previous duplex server on ", channel));
  }
  channel = name;
  config = buffer_config;
  mode = processing_mode;
  crash_delay.reset();
  rendezvous.reset();
  record = std::make_shared<HandlerRecord>();
  errors = std::make_shared<ErrorReports>();
  duplex::DuplexServerOptions options;
  options.thread_pool_size = kThreadPoolSize;
  server_ =
      std::make_unique<duplex::ImmutableDuplexServer>(channel, config, options);
  // The handlers hold the reports, not the state: they may outlive a step.
  server_->add_error_handler(
      [errors = errors](std::exception_ptr error) { errors->Add(error); });
  context.log().Info(absl::StrCat(
      "Created immutable duplex server ", channel, " (request buffer metadata ",
      config.metadata_size, ", payload ", config.payload_size, ", ",
      ProcessingModeName(mode), ")"));
}

void ServerState::Start(StepContext& context, const std::string& description,
                        Responder responder) {
  duplex::ImmutableDuplexServer& current = server();
  current.start(
      [record = record, responder = std::move(responder)](
          const Frame& request) -> std::vector<std::byte> {
        const size_t call = record->Begin(request.size());
        std::vector<std::byte> response = responder(request, *record);
        record->Finish(call, response.size());
        return response;
      },
      /*on_init=*/nullptr, mode);
  context.log().Info(absl::StrCat("Started ", channel, " with ", description,
                                  " (", ProcessingModeName(mode), ")"));
}

void ServerState::Dispose() {
  ReleaseHandlers();
  server_.reset();
}

duplex::ImmutableDuplexServer& ServerState::server() {
  if (server_ == nullptr) {
    throw StepFailure(
        "this process has no duplex server: no step created one here");
  }
  return *server_;
}

absl::StatusOr<duplex::ProcessingMode> ParseProcessingMode(
    const std::string& name) {
  const std::string lower = absl::AsciiStrToLower(name);
  if (lower == "singlethread") return duplex::ProcessingMode::kSingleThread;
  if (lower == "threadpool") return duplex::ProcessingMode::kThreadPool;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown processing mode '", name,
                   "'; the modes are 'SingleThread' and 'ThreadPool'"));
}

const char* ProcessingModeName(duplex::ProcessingMode mode) {
  return mode == duplex::ProcessingMode::kThreadPool ? "ThreadPool"
                                                     : "SingleThread";
}

}  // namespace zerobuffer::steps::duplex_steps
