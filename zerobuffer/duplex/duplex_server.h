// The server side of a duplex channel: it owns {channel}_request, reads
// requests, and writes exactly one response per request, in request order,
// into the client's {channel}_response.
//
// Unlike upstream servers, one server serves client after client: when a
// client leaves or dies, the server reports it, recreates its request
// buffer and waits for the next client.

#ifndef ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_H_
#define ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "zerobuffer/config.h"
#include "zerobuffer/duplex/handlers.h"

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
  // ZeroBufferException when already running or `handler` is empty.
  void start(Handler handler, MetadataHandler on_init = nullptr,
             ProcessingMode mode = ProcessingMode::kSingleThread);
  // Stops serving, drops responses not yet written, disconnects from the
  // client's response buffer and removes the request buffer; the channel
  // name is then free for a new server. Idempotent.
  void stop();
  bool is_running() const;
  void add_error_handler(ErrorHandler handler);
  const std::string& channel() const;
  // Responses written so far.
  uint64_t responses_written() const;

 private:
  std::unique_ptr<DuplexServerCore> core_;
};

using ImmutableDuplexServer = DuplexServer<ImmutableHandler>;
using MutableDuplexServer = DuplexServer<MutableHandler>;

extern template class DuplexServer<ImmutableHandler>;
extern template class DuplexServer<MutableHandler>;

}  // namespace zerobuffer::duplex

#endif  // ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_SERVER_H_
