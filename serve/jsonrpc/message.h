// JSON-RPC 2.0 envelopes (harmony-contract.md sections 3.3, 3.4 and 8):
// requests in and responses out for the step server, requests out and
// responses in for the scenario runner. Nothing here throws, and every
// string produced is valid UTF-8 JSON, whatever bytes the values hold.

#ifndef ZEROBUFFER_SERVE_JSONRPC_MESSAGE_H_
#define ZEROBUFFER_SERVE_JSONRPC_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace zerobuffer::jsonrpc {

using Json = nlohmann::json;

// The error codes the JSON-RPC 2.0 specification defines.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;

struct Request {
  Json id;  // null when absent
  // No "id" member: the request must never be answered.
  bool is_notification = false;
  std::string method;
  Json params;  // an array or an object; null when absent or null
};

struct RpcError {
  int code = 0;
  std::string message;
  Json id;  // the request's id when it could be recovered, else null
};

// A request, or the error to answer it with: kParseError for a body that is
// not JSON, kInvalidRequest for JSON that is not a JSON-RPC 2.0 request.
// The error carries the request's id (a number or a string under the
// top-level "id") whenever one can be recovered, even from a body whose JSON
// breaks after it, so that the caller's pending call is answered rather
// than left waiting (contract 8). It is null only when there is no such id:
// the body is not an object (a batch, a bare value), its id has another
// type, or its JSON breaks before the id.
std::variant<Request, RpcError> ParseRequest(const std::string& body);

// "JSON-RPC error -32602 (Invalid params) for 'initialize' (id 3): why",
// for logs. `method` is empty when the request could not be read.
std::string DescribeError(const RpcError& error, const std::string& method);

// Compact JSON text with raw UTF-8, never throwing: invalid UTF-8 in a
// string (a log line, an exception's text) becomes U+FFFD.
std::string ToJsonText(const Json& value);

// The envelopes below are built with nlohmann::ordered_json, "jsonrpc" first
// as StreamJsonRpc writes them; members of `result`, `data` and `params`
// keep the order Json gives them (by name).

// {"jsonrpc":"2.0","id":<id>,"result":<result>}
std::string SerializeResult(const Json& id, const Json& result);

// {"jsonrpc":"2.0","id":<id>,"error":{"code":..,"message":..[,"data":..]}};
// a null `data` is left out.
std::string SerializeError(const Json& id, int code, const std::string& message,
                           const Json& data = nullptr);

// {"jsonrpc":"2.0","id":<id>,"method":<method>,"params":<params>}; a null
// `params` is left out.
std::string SerializeRequest(int64_t id, const std::string& method,
                             const Json& params);

struct Response {
  Json id;
  std::optional<Json> result;     // set on success ("result":null included)
  std::optional<RpcError> error;  // set on failure; its id is `id`
};

// kInvalidArgument unless `body` is a JSON-RPC 2.0 response: an object with
// "jsonrpc":"2.0", an "id" that is a number, a string or null, and exactly
// one of "result" and "error" (an object with an integer "code" and a
// string "message").
absl::StatusOr<Response> ParseResponse(const std::string& body);

}  // namespace zerobuffer::jsonrpc

#endif  // ZEROBUFFER_SERVE_JSONRPC_MESSAGE_H_
