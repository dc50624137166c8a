// The client side of a duplex channel: it writes requests into
// {channel}_request (which the server owns) and reads responses from
// {channel}_response (which it owns). Response k answers request k.

#ifndef ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_CLIENT_H_
#define ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "zerobuffer/config.h"
#include "zerobuffer/frame.h"
#include "zerobuffer/reader.h"
#include "zerobuffer/writer.h"

namespace zerobuffer::duplex {

// The upstream default for the client's response buffer.
inline const BufferConfig kDefaultResponseConfig(4096, 256 << 20);

// Not for concurrent use from several threads without external locking.
class DuplexClient {
 public:
  // Connects to the server's request buffer and creates the response
  // buffer. A server that has just lost its previous client is given a
  // moment to recycle its request buffer; when no server runs at all,
  // BufferNotFoundException follows within a quarter of a second.
  explicit DuplexClient(
      const std::string& channel,
      const BufferConfig& response_config = kDefaultResponseConfig,
      const ReaderOptions& response_options = {},
      const WriterOptions& request_options = {});
  // Disconnects from the request buffer first, so the server sees the
  // client leave before the response buffer disappears.
  ~DuplexClient();
  DuplexClient(DuplexClient&&) = default;

  const std::string& channel() const { return channel_; }

  // Sends a copy of `data` as one request; returns its sequence number,
  // which its response carries too.
  uint64_t send_request(std::span<const std::byte> data);
  uint64_t send_request(const void* data, size_t size) {
    return send_request({static_cast<const std::byte*>(data), size});
  }

  // Zero-copy: fill the returned buffer, then commit_request().
  std::span<std::byte> acquire_request_buffer(size_t size,
                                              uint64_t& sequence_number);
  // Publishes the acquired request; returns its sequence number.
  uint64_t commit_request();

  // The next response, in request order. An invalid Frame on timeout;
  // WriterDeadException when the server died or stopped (after any
  // responses it wrote have been received), also when it never answered.
  Frame receive_response(std::chrono::milliseconds timeout);

  // Upstream C++ names.
  std::span<std::byte> acquire_buffer(size_t size) {
    return acquire_request_buffer(size, pending_sequence_);
  }
  uint64_t commit() { return commit_request(); }
  Frame read(std::chrono::milliseconds timeout) {
    return receive_response(timeout);
  }

  // Whether the server's request buffer still has a live reader.
  bool is_server_connected() const;

  // Metadata for the server's on_init (write-once per session).
  void set_metadata(std::span<const std::byte> metadata);
  // The upstream C++ signature.
  void set_metadata(const void* data, size_t size) {
    set_metadata({static_cast<const std::byte*>(data), size});
  }

  // Waits up to `timeout` for a server to create `channel`.
  static bool wait_exists(const std::string& channel,
                          std::chrono::milliseconds timeout);

 private:
  std::string channel_;
  // First, so that no response buffer is created when no server runs.
  Writer request_writer_;
  Reader response_reader_;
  uint64_t pending_sequence_ = 0;
};

}  // namespace zerobuffer::duplex

#endif  // ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_CLIENT_H_
