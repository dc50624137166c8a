// What the server side of a duplex scenario remembers between steps: the
// server, every call of its handler (when it started and finished, what it
// answered) and every error the server reported. Handlers run on the
// server's threads, steps on the step thread; both meet here.

#ifndef ZEROBUFFER_STEPS_DUPLEX_SERVER_STATE_H_
#define ZEROBUFFER_STEPS_DUPLEX_SERVER_STATE_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "steps/context.h"
#include "steps/duplex/error_reports.h"
#include "steps/duplex/handler_rendezvous.h"
#include "steps/duplex/polling.h"
#include "zerobuffer/config.h"
#include "zerobuffer/duplex/duplex_server.h"
#include "zerobuffer/duplex/handlers.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/frame.h"

namespace zerobuffer::steps::duplex_steps {

// "with default config" and "with processing mode": the request buffer all
// three upstream serves create (step-catalog 2.3).
inline const BufferConfig kDefaultDuplexConfig(4096, 1048576);

// The handler threads of a thread-pool server, fixed so that how many
// requests it can have in progress at once (13.4b) does not depend on the
// machine's CPUs.
inline constexpr size_t kThreadPoolSize = 4;

struct HandlerCall {
  SteadyClock::time_point started;
  std::optional<SteadyClock::time_point> finished;
  size_t request_size = 0;
  size_t response_size = 0;
};

// Shared by the handler and the steps; outlives the server it records.
class HandlerRecord {
 public:
  // A call began; returns its index for Finish.
  size_t Begin(size_t request_size);
  void Finish(size_t index, size_t response_size);
  std::vector<HandlerCall> Calls() const;

  // Waits `duration` (a handler's processing time), or less once released.
  void Pause(SteadyClock::duration duration);
  // Waits until released: a handler that never answers by itself.
  void BlockUntilReleased();
  // Lets every paused or blocked handler go, now and from now on, so that
  // stopping the server never waits for a handler's scenario delays.
  void Release();

 private:
  mutable std::mutex mutex_;
  std::condition_variable released_changed_;
  bool released_ = false;
  std::vector<HandlerCall> calls_;
};

// The response to one request; runs inside the recorded call.
using Responder =
    std::function<std::vector<std::byte>(const Frame&, HandlerRecord&)>;

struct ServerState {
  ServerState() = default;
  ServerState(const ServerState&) = delete;
  ServerState& operator=(const ServerState&) = delete;
  // Releases the handlers first, so that stopping does not wait for them.
  ~ServerState();

  // Replaces (stopping) any server this process had.
  void Create(StepContext& context, const std::string& name,
              const BufferConfig& buffer_config,
              duplex::ProcessingMode processing_mode);
  // Starts the created server with `responder`, recording every call.
  void Start(StepContext& context, const std::string& description,
             Responder responder);
  // Stops and destroys the server (the record and reports stay).
  void Dispose();

  // The current server; throws StepFailure when this process has none.
  duplex::ImmutableDuplexServer& server();

  std::string channel;  // physical
  BufferConfig config;
  duplex::ProcessingMode mode = duplex::ProcessingMode::kSingleThread;
  // How long after a request the crashing handler (13.5) is due to die.
  std::optional<SteadyClock::duration> crash_delay;
  // Where the handlers meet to prove they overlap (13.4b), if they do.
  std::shared_ptr<HandlerRendezvous> rendezvous;
  std::shared_ptr<HandlerRecord> record = std::make_shared<HandlerRecord>();
  std::shared_ptr<ErrorReports> errors = std::make_shared<ErrorReports>();

 private:
  // Lets every waiting handler go, so that stopping does not wait for them.
  void ReleaseHandlers();

  std::unique_ptr<duplex::ImmutableDuplexServer> server_;
};

// "SingleThread" or "ThreadPool" (any case).
absl::StatusOr<duplex::ProcessingMode> ParseProcessingMode(
    const std::string& name);
const char* ProcessingModeName(duplex::ProcessingMode mode);

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_SERVER_STATE_H_
