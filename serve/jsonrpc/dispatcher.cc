#include "serve/jsonrpc/dispatcher.h"

#include <exception>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace zerobuffer::jsonrpc {
namespace {

// What a handler's outcome is answered with: its result, or an error.
using Outcome = std::variant<Json, RpcError>;

RpcError FromStatus(const absl::Status& status, const Json& id) {
  const bool invalid_params =
      status.code() == absl::StatusCode::kInvalidArgument;
  std::string message(status.message());
  // JSON-RPC asks for a message; an empty status message still gets one.
  if (message.empty()) {
    message = invalid_params ? "Invalid params" : "Internal error";
  }
  return RpcError{invalid_params ? kInvalidParams : kInternalError,
                  std::move(message), id};
}

Outcome Invoke(const Dispatcher::Handler& handler, const Request& request) {
  try {
    absl::StatusOr<Json> result = handler(request.params);
    if (!result.ok()) return FromStatus(result.status(), request.id);
    return *std::move(result);
  } catch (const std::exception& e) {
    return RpcError{kInternalError, e.what(), request.id};
  } catch (...) {
    return RpcError{kInternalError, "handler threw a non-standard exception",
                    request.id};
  }
}

std::string Serialize(const RpcError& error) {
  return SerializeError(error.id, error.code, error.message);
}

}  // namespace

void Dispatcher::Register(const std::string& method, Handler handler) {
  handlers_[method] = std::move(handler);
}

std::optional<std::string> Dispatcher::Handle(const std::string& body) const {
  std::variant<Request, RpcError> parsed = ParseRequest(body);
  if (const RpcError* error = std::get_if<RpcError>(&parsed)) {
    return Serialize(Report(*error, ""));
  }
  const Request& request = std::get<Request>(parsed);
  const auto handler = handlers_.find(request.method);
  Outcome outcome =
      handler == handlers_.end()
          ? Outcome(RpcError{kMethodNotFound,
                             absl::StrCat("Method not found: ", request.method),
                             request.id})
          : Invoke(handler->second, request);
  const RpcError* error = std::get_if<RpcError>(&outcome);
  if (error != nullptr) Report(*error, request.method);
  if (request.is_notification) return std::nullopt;
  if (error != nullptr) return Serialize(*error);
  return SerializeResult(request.id, std::get<Json>(outcome));
}

const RpcError& Dispatcher::Report(const RpcError& error,
                                   const std::string& method) const {
  if (error_listener_) error_listener_(error, method);
  return error;
}

std::vector<std::string> Dispatcher::methods() const {
  std::vector<std::string> names;
  names.reserve(handlers_.size());
  for (const auto& [name, handler] : handlers_) names.push_back(name);
  return names;
}

}  // namespace zerobuffer::jsonrpc
