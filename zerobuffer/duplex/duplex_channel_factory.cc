#include "zerobuffer/duplex/duplex_channel_factory.h"

namespace zerobuffer::duplex {
namespace {

DuplexServerOptions WithTimeout(std::chrono::milliseconds timeout) {
  DuplexServerOptions options;
  options.timeout = timeout;
  return options;
}

}  // namespace

std::unique_ptr<ImmutableDuplexServer>
DuplexChannelFactory::create_immutable_server(
    const std::string& channel, const BufferConfig& config,
    std::chrono::milliseconds timeout) {
  return std::make_unique<ImmutableDuplexServer>(channel, config,
                                                 WithTimeout(timeout));
}

std::unique_ptr<MutableDuplexServer>
DuplexChannelFactory::create_mutable_server(const std::string& channel,
                                            const BufferConfig& config,
                                            std::chrono::milliseconds timeout) {
  return std::make_unique<MutableDuplexServer>(channel, config,
                                               WithTimeout(timeout));
}

std::unique_ptr<DuplexClient> DuplexChannelFactory::create_client(
    const std::string& channel, const BufferConfig& response_config) {
  return std::make_unique<DuplexClient>(channel, response_config);
}

bool DuplexChannelFactory::wait_exists(const std::string& channel,
                                       std::chrono::milliseconds timeout) {
  return DuplexClient::wait_exists(channel, timeout);
}

}  // namespace zerobuffer::duplex
