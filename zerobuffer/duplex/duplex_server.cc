#include "zerobuffer/duplex/duplex_server.h"

#include <utility>

#include "zerobuffer/duplex/duplex_server_core.h"

namespace zerobuffer::duplex {

ImmutableDuplexServer::ImmutableDuplexServer(const std::string& channel,
                                             const BufferConfig& request_config,
                                             const DuplexServerOptions& options)
    : core_(std::make_unique<DuplexServerCore>(channel, request_config,
                                               options)) {}

ImmutableDuplexServer::~ImmutableDuplexServer() = default;

void ImmutableDuplexServer::start(ImmutableHandler handler,
                                  MetadataHandler on_init,
                                  ProcessingMode mode) {
  DuplexServerCore::Responder responder;
  if (handler) {
    responder = [handler = std::move(handler)](Frame& request) {
      return std::optional<std::vector<std::byte>>(handler(request));
    };
  }
  core_->Start(std::move(responder), std::move(on_init), mode);
}

void ImmutableDuplexServer::stop() { core_->Stop(); }
bool ImmutableDuplexServer::is_running() const { return core_->running(); }
void ImmutableDuplexServer::add_error_handler(ErrorHandler handler) {
  core_->AddErrorHandler(std::move(handler));
}
const std::string& ImmutableDuplexServer::channel() const {
  return core_->channel();
}
uint64_t ImmutableDuplexServer::responses_written() const {
  return core_->responses_written();
}

MutableDuplexServer::MutableDuplexServer(const std::string& channel,
                                         const BufferConfig& request_config,
                                         const DuplexServerOptions& options)
    : core_(std::make_unique<DuplexServerCore>(channel, request_config,
                                               options)) {}

MutableDuplexServer::~MutableDuplexServer() = default;

void MutableDuplexServer::start(MutableHandler handler, MetadataHandler on_init,
                                ProcessingMode mode) {
  DuplexServerCore::Responder responder;
  if (handler) {
    responder = [handler = std::move(handler)](
                    Frame& request) -> std::optional<std::vector<std::byte>> {
      handler(request.mutable_span());
      return std::nullopt;
    };
  }
  core_->Start(std::move(responder), std::move(on_init), mode);
}

void MutableDuplexServer::stop() { core_->Stop(); }
bool MutableDuplexServer::is_running() const { return core_->running(); }
void MutableDuplexServer::add_error_handler(ErrorHandler handler) {
  core_->AddErrorHandler(std::move(handler));
}
const std::string& MutableDuplexServer::channel() const {
  return core_->channel();
}
uint64_t MutableDuplexServer::responses_written() const {
  return core_->responses_written();
}

}  // namespace zerobuffer::duplex
