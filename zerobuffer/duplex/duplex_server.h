// The server side of a duplex channel: it owns {channel}_request, reads
// requests, and writes exactly one response per request, in request order,
// into the client's {channel}_response.
//
// Unlike upstream servers, one server serves client after client: when a
// client leaves or dies, or its session breaks (a handler failed, a response
// can never fit the client's response buffer), the server reports it,
// recreates its request buffer and waits for the next client.
//
// Between two clients, {channel}_request is briefly not the buffer a new
// client should use. The protocol fixes the name, so the fresh buffer can
// only be created once the old one is removed. A client that connects
//   * after its predecessor closed or died but before the server finished
//     that session (it notices within request_options.liveness_check_interval,
//     then waits for the handlers of requests already taken), becomes the
//     writer of the old buffer, still in its predecessor's session: its
//     requests can be lost when the server ends that session and removes
//     the buffer, and its writes then throw ReaderDeadException;
//   * after the old buffer is removed and before the fresh one exists (the
//     time it takes to create a buffer), gets BufferNotFoundException.
// DuplexClient waits both out: it only uses a request buffer no client has
// written to, and retries for a few seconds. Upstream C#, Python and C++
// clients do not: give each its own server (upstream servers serve one
// client only anyway), or have it retry until it is connected to a fresh
// buffer (its OIEB shows no frame and no metadata written).

#ifndef ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_H_
#define ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "zerobuffer/config.h"
#include "zerobuffer/duplex/handlers.h"
#include "zerobuffer/reader.h"

namespace zerobuffer::duplex {

struct DuplexServerOptions {
  // How long the server waits for a client's response buffer once its first
  // request has arrived.
  std::chrono::milliseconds timeout{5000};
  // Threads of ProcessingMode::kThreadPool; 0 means one per CPU (at least
  // two).
  size_t thread_pool_size = 0;
  ReaderOptions request_options;
  WriterOptions response_options;
};

class DuplexServerCore;

// A duplex server with handlers of type `Handler`: ImmutableDuplexServer
// (handlers return new response bytes) or MutableDuplexServer (handlers
// transform the request in place, and that is the response).
template <typename Handler>
class DuplexServer {
 public:
  DuplexServer(const std::string& channel, const BufferConfig& request_config,
               const DuplexServerOptions& options = {});
  // Stops the server.
  ~DuplexServer();

  // Creates the request buffer (throwing what Reader throws, e.g. when
  // another server owns the channel) and starts serving. Throws
  // ZeroBufferException when already running or `handler` is empty. A
  // server that stopped by itself (is_running() turned false) may simply be
  // started again.
  void start(Handler handler, MetadataHandler on_init = nullptr,
             ProcessingMode mode = ProcessingMode::kSingleThread);
  // Stops serving, drops responses not yet written, disconnects from the
  // client's response buffer and removes the request buffer; the channel
  // name is then free for a new server. Idempotent.
  void stop();
  // False before start(), after stop(), and once the server stopped by
  // itself because it could not recreate its request buffer (reported to
  // the error handlers).
  bool is_running() const;
  void add_error_handler(ErrorHandler handler);
  const std::string& channel() const;
  // Responses written so far.
  uint64_t responses_written() const;
  // The reader of the current client's request buffer (Python's
  // request_reader), e.g. for its metadata or frames_read(). Use it only
  // inside a handler or on_init: elsewhere the session may end, and the
  // reader be replaced, at any moment. Throws ZeroBufferException when the
  // server is not running.
  const Reader& request_reader() const;

 private:
  std::unique_ptr<DuplexServerCore> core_;
};

using ImmutableDuplexServer = DuplexServer<ImmutableHandler>;
using MutableDuplexServer = DuplexServer<MutableHandler>;

extern template class DuplexServer<ImmutableHandler>;
extern template class DuplexServer<MutableHandler>;

}  // namespace zerobuffer::duplex

#endif  // ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_H_
