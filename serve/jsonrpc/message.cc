#include "serve/jsonrpc/message.h"

#include <climits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace zerobuffer::jsonrpc {
namespace {

// Key order as written: "jsonrpc", "id", then "result", "error" or
// "method" and "params".
using Envelope = nlohmann::ordered_json;

template <typename AnyJson>
std::string Text(const AnyJson& value) {
  return value.dump(/*indent=*/-1, /*indent_char=*/' ', /*ensure_ascii=*/false,
                    AnyJson::error_handler_t::replace);
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

// Reads a body as far as its JSON goes and keeps the number or string under
// the top-level "id". Harmony writes "jsonrpc" and "id" first, so a body
// that breaks later (stray bytes in a step's text, a cut-off message) still
// names the call to answer.
class IdFinder : public nlohmann::json_sax<Json> {
 public:
  const Json& id() const { return id_; }

  bool null() override { return Scalar(nullptr); }
  bool boolean(bool) override { return Scalar(nullptr); }
  bool number_integer(number_integer_t value) override { return Scalar(value); }
  bool number_unsigned(number_unsigned_t value) override {
    return Scalar(value);
  }
  bool number_float(number_float_t value, const string_t&) override {
    return Scalar(value);
  }
  bool string(string_t& value) override { return Scalar(value); }
  bool binary(binary_t&) override { return Scalar(nullptr); }
  bool start_object(std::size_t) override { return Open(); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override { return Close(); }
  bool key(string_t& name) override {
    next_is_id_ = depth_ == 1 && name == "id";
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Scalar(Json value) {
    if (next_is_id_) id_ = std::move(value);
    next_is_id_ = false;
    return true;
  }
  bool Open() {
    // An object or array under "id" is no usable id.
    if (next_is_id_) id_ = nullptr;
    next_is_id_ = false;
    ++depth_;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }

  int depth_ = 0;
  bool next_is_id_ = false;
  Json id_;
};

Json RecoverId(const std::string& body) {
  IdFinder finder;
  Json::sax_parse(body, &finder, nlohmann::detail::input_format_t::json,
                  /*strict=*/false);
  return finder.id();
}

std::string ErrorCodeName(int code) {
  switch (code) {
    case kParseError:
      return "Parse error";
    case kInvalidRequest:
      return "Invalid Request";
    case kMethodNotFound:
      return "Method not found";
    case kInvalidParams:
      return "Invalid params";
    case kInternalError:
      return "Internal error";
  }
  return "Server error";
}

}  // namespace

std::variant<Request, RpcError> ParseRequest(const std::string& body) {
  std::string parse_error;
  std::optional<Json> message = ParseJson(body, &parse_error);
  if (!message.has_value()) {
    return RpcError{kParseError, absl::StrCat("Parse error: ", parse_error),
                    RecoverId(body)};
  }
  if (!message->is_object()) {
    // A batch (which we do not take; Harmony sends none) or a bare value:
    // neither has one id to answer.
    return InvalidRequest("not an object", nullptr);
  }

  Request request;
  const auto id = message->find("id");
  request.is_notification = id == message->end();
  if (!request.is_notification) {
    if (!IsValidId(*id)) {
      // JSON-RPC 2.0 asks for a null id when the id cannot be read.
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

std::string DescribeError(const RpcError& error, const std::string& method) {
  return absl::StrCat("JSON-RPC error ", error.code, " (",
                      ErrorCodeName(error.code), ")",
                      method.empty() ? "" : absl::StrCat(" for '", method, "'"),
                      " (id ", ToJsonText(error.id), "): ", error.message);
}

std::string ToJsonText(const Json& value) { return Text(value); }

std::string SerializeResult(const Json& id, const Json& result) {
  Envelope message;
  message["jsonrpc"] = "2.0";
  message["id"] = Envelope(id);
  message["result"] = Envelope(result);
  return Text(message);
}

std::string SerializeError(const Json& id, int code, const std::string& message,
                           const Json& data) {
  Envelope error;
  error["code"] = code;
  error["message"] = message;
  if (!data.is_null()) error["data"] = Envelope(data);
  Envelope envelope;
  envelope["jsonrpc"] = "2.0";
  envelope["id"] = Envelope(id);
  envelope["error"] = std::move(error);
  return Text(envelope);
}

std::string SerializeRequest(int64_t id, const std::string& method,
                             const Json& params) {
  Envelope request;
  request["jsonrpc"] = "2.0";
  request["id"] = id;
  request["method"] = method;
  if (!params.is_null()) request["params"] = Envelope(params);
  return Text(request);
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
