// Creates duplex servers and clients, as the upstream factories do; the
// interface lets applications substitute their own in tests.

#ifndef ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_CHANNEL_FACTORY_H_
#define ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_CHANNEL_FACTORY_H_

#include <chrono>
#include <memory>
#include <string>

#include "zerobuffer/config.h"
#include "zerobuffer/duplex/duplex_client.h"
#include "zerobuffer/duplex/duplex_server.h"

namespace zerobuffer::duplex {

class IDuplexChannelFactory {
 public:
  virtual ~IDuplexChannelFactory() = default;

  // `timeout`: how long a server waits for a client's response buffer.
  virtual std::unique_ptr<ImmutableDuplexServer> create_immutable_server(
      const std::string& channel, const BufferConfig& config,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) = 0;
  virtual std::unique_ptr<MutableDuplexServer> create_mutable_server(
      const std::string& channel, const BufferConfig& config,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) = 0;
  virtual std::unique_ptr<DuplexClient> create_client(
      const std::string& channel,
      const BufferConfig& response_config = kDefaultResponseConfig) = 0;
  // Whether a server for `channel` appears within `timeout`.
  virtual bool wait_exists(const std::string& channel,
                           std::chrono::milliseconds timeout) = 0;
};

class DuplexChannelFactory : public IDuplexChannelFactory {
 public:
  std::unique_ptr<ImmutableDuplexServer> create_immutable_server(
      const std::string& channel, const BufferConfig& config,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) override;
  std::unique_ptr<MutableDuplexServer> create_mutable_server(
      const std::string& channel, const BufferConfig& config,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) override;
  std::unique_ptr<DuplexClient> create_client(
      const std::string& channel,
      const BufferConfig& response_config = kDefaultResponseConfig) override;
  bool wait_exists(const std::string& channel,
                   std::chrono::milliseconds timeout) override;
};

}  // namespace zerobuffer::duplex

#endif  // ZEROBUFFER_ZEROBUFFER_DUPLEX_DUPLEX_CHANNEL_FACTORY_H_
