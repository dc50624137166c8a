// Routes JSON-RPC requests to registered handlers and turns whatever they
// do into the response to send (harmony-contract.md 3.4 and 5.8).

#ifndef ZEROBUFFER_SERVE_JSONRPC_DISPATCHER_H_
#define ZEROBUFFER_SERVE_JSONRPC_DISPATCHER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "serve/jsonrpc/message.h"

namespace zerobuffer::jsonrpc {

class Dispatcher {
 public:
  // `params` is the request's array or object, or null when it had none.
  using Handler = std::function<absl::StatusOr<Json>(const Json& params)>;

  // Told of every error Handle answers with (notifications' included), with
  // the method when the request could be read.
  using ErrorListener =
      std::function<void(const RpcError& error, const std::string& method)>;

  // Routes `method` to `handler`, replacing any earlier handler. Register
  // everything before the first Handle; Handle may then run on several
  // threads at once.
  void Register(const std::string& method, Handler handler);

  // Set before the first Handle, like the handlers.
  void SetErrorListener(ErrorListener listener) {
    error_listener_ = std::move(listener);
  }

  // Runs the request in `body` and returns the response to send, echoing
  // the request's id with its JSON type. Notifications (no "id") run but
  // are never answered, even when they fail. Malformed bodies are answered
  // with kParseError or kInvalidRequest and whatever id could be recovered.
  // An unknown method gets kMethodNotFound; a handler's kInvalidArgument
  // becomes kInvalidParams, any other error status or exception
  // kInternalError. Never throws.
  std::optional<std::string> Handle(const std::string& body) const;

  // The registered method names, sorted.
  std::vector<std::string> methods() const;

 private:
  // Reports `error`, then returns it.
  const RpcError& Report(const RpcError& error,
                         const std::string& method) const;

  std::map<std::string, Handler> handlers_;
  ErrorListener error_listener_;
};

}  // namespace zerobuffer::jsonrpc

#endif  // ZEROBUFFER_SERVE_JSONRPC_DISPATCHER_H_
