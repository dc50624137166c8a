// The machinery behind ImmutableDuplexServer and MutableDuplexServer: the
// client sessions, the request loop, and the two processing modes.

#ifndef ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_CORE_H_
#define ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_CORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "zerobuffer/config.h"
#include "zerobuffer/duplex/duplex_server.h"
#include "zerobuffer/duplex/handlers.h"
#include "zerobuffer/duplex/response_sequencer.h"
#include "zerobuffer/reader.h"
#include "zerobuffer/writer.h"

namespace zerobuffer::duplex {

class DuplexServerCore {
 public:
  // Produces the response to `request`: bytes to write, or nullopt to
  // answer with the request's own (transformed in place) bytes.
  using Responder =
      std::function<std::optional<std::vector<std::byte>>(Frame& request)>;

  DuplexServerCore(std::string channel, const BufferConfig& config,
                   const DuplexServerOptions& options);
  ~DuplexServerCore() { Stop(); }

  // Also restarts a server that stopped itself after a failure.
  void Start(Responder responder, MetadataHandler on_init, ProcessingMode mode);
  void Stop();
  // False once stopped, or once serving became impossible.
  bool running() const { return running_.load() && !stopping_.load(); }
  void AddErrorHandler(ErrorHandler handler);
  const std::string& channel() const { return channel_; }
  uint64_t responses_written() const { return responses_written_.load(); }
  // The current session's request reader; see DuplexServer::request_reader.
  const Reader& request_reader() const;

 private:
  struct Response {
    Frame request;
    std::optional<std::vector<std::byte>> bytes;
    std::exception_ptr error;  // the handler failed: no response exists
  };

  // The next request of the current session; ends sessions whose client
  // left or that broke. nullopt once the server is stopping.
  std::optional<Frame> NextRequest();
  // Once no thread uses the session any more, forgets it. False when the
  // server is stopping instead (Stop() cleans up after joining).
  bool FinishSession();
  Response Handle(Frame request);
  // Writes the response (or ends the session when there is none).
  void Deliver(Response& response);
  // False when the response could not be written (the session is then
  // broken, or the server is stopping).
  bool WriteResponse(std::span<const std::byte> bytes);
  // The session cannot go on (its client is gone, or a response is lost):
  // reports `error`, stops writing to the client and has the reading thread
  // end the session. Called by the thread that writes responses.
  void BreakSession(std::exception_ptr error);
  // Forgets the client: disconnects from its response buffer and recreates
  // the request buffer, so the next client starts afresh and the old one
  // sees the server leave. Only while no other thread uses the session.
  void EndSession();
  void Report(std::exception_ptr error);
  // Tells every server thread to finish; they are joined by Stop().
  void Halt();

  void RunSingleThread();
  void RunRequestReader();
  void RunHandler();
  void RunResponseWriter();

  const std::string channel_;
  const BufferConfig config_;
  const DuplexServerOptions options_;
  Responder responder_;
  MetadataHandler on_init_;
  ProcessingMode mode_ = ProcessingMode::kSingleThread;

  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> responses_written_{0};

  // Replaced only by the thread reading requests, between sessions, while
  // no other thread uses it (FinishSession); handlers and the thread
  // writing responses use it during the session.
  std::unique_ptr<Reader> request_reader_;
  // Used only by the thread writing responses (or, between sessions, by the
  // reading thread once every response of the session is written).
  std::unique_ptr<Writer> response_writer_;
  // The session cannot go on: its remaining requests are dropped unhandled
  // and the reading thread ends it.
  std::atomic<bool> session_broken_{false};
  // on_init has run for the current session.
  std::mutex session_init_mutex_;
  bool session_initialized_ = false;

  std::mutex error_handlers_mutex_;
  std::vector<ErrorHandler> error_handlers_;

  // ProcessingMode::kThreadPool: numbered requests wait here for a
  // handler thread; responses come back in order through the sequencer.
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<std::pair<uint64_t, Frame>> queue_;
  std::unique_ptr<ResponseSequencer<Response>> sequencer_;

  std::vector<std::thread> threads_;
};

}  // namespace zerobuffer::duplex

#endif  // ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_CORE_H_
