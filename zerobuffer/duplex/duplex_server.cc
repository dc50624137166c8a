#include "zerobuffer/duplex/duplex_server.h"

#include <utility>

#include "zerobuffer/duplex/duplex_server_core.h"

namespace zerobuffer::duplex {
namespace {

DuplexServerCore::Responder ToResponder(ImmutableHandler handler) {
  if (!handler) return nullptr;
  return [handler = std::move(handler)](Frame& request) {
    return std::optional<std::vector<std::byte>>(handler(request));
  };
}

DuplexServerCore::Responder ToResponder(MutableHandler handler) {
  if (!handler) return nullptr;
  return [handler = std::move(handler)](
             Frame& request) -> std::optional<std::vector<std::byte>> {
    handler(request.mutable_span());
    return std::nullopt;
  };
}

}  // namespace

template <typename Handler>
DuplexServer<Handler>::DuplexServer(const std::string& channel,
                                    const BufferConfig& request_config,
                                    const DuplexServerOptions& options)
    : core_(std::make_unique<DuplexServerCore>(channel, request_config,
                                               options)) {}

template <typename Handler>
DuplexServer<Handler>::~DuplexServer() = default;

template <typename Handler>
void DuplexServer<Handler>::start(Handler handler, MetadataHandler on_init,
                                  ProcessingMode mode) {
  core_->Start(ToResponder(std::move(handler)), std::move(on_init), mode);
}

template <typename Handler>
void DuplexServer<Handler>::stop() {
  core_->Stop();
}

template <typename Handler>
bool DuplexServer<Handler>::is_running() const {
  return core_->running();
}

template <typename Handler>
void DuplexServer<Handler>::add_error_handler(ErrorHandler handler) {
  core_->AddErrorHandler(std::move(handler));
}

template <typename Handler>
const std::string& DuplexServer<Handler>::channel() const {
  return core_->channel();
}

template <typename Handler>
uint64_t DuplexServer<Handler>::responses_written() const {
  return core_->responses_written();
}

template <typename Handler>
const Reader& DuplexServer<Handler>::request_reader() const {
  return core_->request_reader();
}

template class DuplexServer<ImmutableHandler>;
template class DuplexServer<MutableHandler>;

}  // namespace zerobuffer::duplex
