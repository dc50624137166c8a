#include "serve/jsonrpc/message.h"

#include <climits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace zerobuffer::jsonrpc {
namespace {

// Compact, raw UTF-8, and invalid UTF-8 replaced by U+FFFD: the default
// handler would throw on a log line or exception text with stray bytes.
std::string Dump(const Json& value) {
  return value.dump(/*indent=*/-1, /*indent_char=*/' ', /*ensure_ascii=*/false,
                    Json::error_handler_t::replace);
}

std::optional<Json> ParseJson(const std::string& body, std::string* error) {
  try {
    return Json::parse(body);
  } catch (const Json::exception& e) {
    *error = e.what();
    return std::nullopt;
  }
}

bool IsValidId(const Json& id) {
  return id.is_number() || id.is_string() || id.is_null();
}

bool HasVersion(const Json& message) {
  const auto version = message.find("jsonrpc");
  return version != message.end() && *version == "2.0";
}

RpcError InvalidRequest(const std::string& why, Json id) {
  return RpcError{kInvalidRequest, absl::StrCat("Invalid Request: ", why),
                  std::move(id)};
}

}  // namespace

std::variant<Request, RpcError> ParseRequest(const std::string& body) {
  std::string parse_error;
  std::optional<Json> message = ParseJson(body, &parse_error);
  if (!message.has_value()) {
    return RpcError{kParseError, absl::StrCat("Parse error: ", parse_error),
                    nullptr};
  }
  if (!message->is_object()) return InvalidRequest("not an object", nullptr);

  Request request;
  const auto id = message->find("id");
  request.is_notification = id == message->end();
  if (!request.is_notification) {
    if (!IsValidId(*id)) {
      return InvalidRequest("\"id\" is not a number, string or null", nullptr);
    }
    request.id = *id;
  }
  if (!HasVersion(*message)) {
    return InvalidRequest("\"jsonrpc\" is not \"2.0\"", request.id);
  }
  const auto method = message->find("method");
  if (method == message->end() || !method->is_string()) {
    return InvalidRequest("\"method\" is missing or not a string", request.id);
  }
  request.method = method->get<std::string>();
  const auto params = message->find("params");
  if (params != message->end()) {
    // null is accepted as "no params", as contract 8 asks of a robust serve.
    if (!params->is_array() && !params->is_object() && !params->is_null()) {
      return InvalidRequest("\"params\" is neither an array nor an object",
                            request.id);
    }
    request.params = *params;
  }
  return request;
}

std::string SerializeResult(const Json& id, const Json& result) {
  return absl::StrCat(R"({"jsonrpc":"2.0","id":)", Dump(id), R"(,"result":)",
                      Dump(result), "}");
}

std::string SerializeError(const Json& id, int code, const std::string& message,
                           const Json& data) {
  std::string error =
      absl::StrCat(R"({"code":)", code, R"(,"message":)", Dump(message));
  if (!data.is_null()) absl::StrAppend(&error, R"(,"data":)", Dump(data));
  return absl::StrCat(R"({"jsonrpc":"2.0","id":)", Dump(id), R"(,"error":)",
                      error, "}}");
}

std::string SerializeRequest(int64_t id, const std::string& method,
                             const Json& params) {
  std::string request = absl::StrCat(R"({"jsonrpc":"2.0","id":)", id,
                                     R"(,"method":)", Dump(method));
  if (!params.is_null())
    absl::StrAppend(&request, R"(,"params":)", Dump(params));
  return absl::StrCat(request, "}");
}

absl::StatusOr<Response> ParseResponse(const std::string& body) {
  std::string parse_error;
  std::optional<Json> message = ParseJson(body, &parse_error);
  if (!message.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("response is not JSON: ", parse_error));
  }
  if (!message->is_object()) {
    return absl::InvalidArgumentError("response is not a JSON object");
  }
  if (!HasVersion(*message)) {
    return absl::InvalidArgumentError("response \"jsonrpc\" is not \"2.0\"");
  }
  const auto id = message->find("id");
  if (id == message->end() || !IsValidId(*id)) {
    return absl::InvalidArgumentError(
        "response \"id\" is missing or not a number, string or null");
  }
  const auto result = message->find("result");
  const auto error = message->find("error");
  if ((result == message->end()) == (error == message->end())) {
    return absl::InvalidArgumentError(
        "response must have exactly one of \"result\" and \"error\"");
  }

  Response response;
  response.id = *id;
  if (result != message->end()) {
    response.result = *result;
    return response;
  }
  const auto code = error->find("code");
  const auto text = error->find("message");
  if (!error->is_object() || code == error->end() ||
      !code->is_number_integer() || *code < INT_MIN || *code > INT_MAX ||
      text == error->end() || !text->is_string()) {
    return absl::InvalidArgumentError(
        "response \"error\" needs an integer \"code\" and a string "
        "\"message\"");
  }
  response.error =
      RpcError{code->get<int>(), text->get<std::string>(), response.id};
  return response;
}

}  // namespace zerobuffer::jsonrpc
