#include "tests/harmony/serve_connection.h"

#include <variant>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "platform/file_descriptor.h"
#include "serve/jsonrpc/framing.h"

namespace zerobuffer::harmony {
namespace {

constexpr char kRpcErrorCodeUrl[] = "zerobuffer.harmony/jsonrpc-error-code";

// Far above any reply a serve sends; only a runaway stream hits it.
constexpr size_t kMaxReplyBytes = 64 << 20;

// Harmony waits this long for a serve to exit after closing its stdin.
constexpr absl::Duration kStopGrace = absl::Seconds(5);

// After stdout ends, the serve is usually about to exit: a short wait lets
// the error say how it ended.
constexpr absl::Duration kExitStatusWait = absl::Milliseconds(200);

// StreamJsonRpc's codes that do not raise RemoteInvocationException.
constexpr int kSerializationError = -32003;

// StreamJsonRpc accepts a numeric string for a numeric id (contract §3.4).
bool IdMatches(const Json& id, int64_t expected) {
  if (id.is_number_integer()) return id.get<int64_t>() == expected;
  if (id.is_string()) {
    int64_t value = 0;
    return absl::SimpleAtoi(id.get<std::string>(), &value) && value == expected;
  }
  return false;
}

absl::Status RpcErrorStatus(const jsonrpc::RpcError& error) {
  absl::Status status = absl::UnknownError(
      absl::StrCat(error.message, " (JSON-RPC error ", error.code, ")"));
  status.SetPayload(kRpcErrorCodeUrl, absl::Cord(absl::StrCat(error.code)));
  return status;
}

}  // namespace

std::optional<int> RpcErrorCode(const absl::Status& status) {
  const auto payload = status.GetPayload(kRpcErrorCodeUrl);
  int code = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &code)) {
    return std::nullopt;
  }
  return code;
}

bool IsRemoteInvocationError(const absl::Status& status) {
  const std::optional<int> code = RpcErrorCode(status);
  return code.has_value() && *code != jsonrpc::kMethodNotFound &&
         *code != jsonrpc::kInvalidParams && *code != kSerializationError;
}

struct ServeConnection::State {
  explicit State(platform::Subprocess started)
      : process(std::move(started)),
        // Harmony's own header rules, so that a serve whose framing
        // Harmony would reject fails here too.
        reader(&process.stdout_pipe(), kMaxReplyBytes, absl::ZeroDuration(),
               jsonrpc::HeaderRules::kHarmony),
        writer(&process.stdin_pipe()) {}

  platform::Subprocess process;
  jsonrpc::MessageReader reader;
  jsonrpc::MessageWriter writer;
  // StreamJsonRpc pre-increments a counter that starts at 1.
  int64_t next_id = 2;
  bool stopped = false;
  // Not OK once the connection is lost: the error every call then returns.
  absl::Status lost;
  std::optional<platform::ExitStatus> exit_status;
};

absl::StatusOr<ServeConnection> ServeConnection::Start(
    const std::vector<std::string>& command,
    const std::vector<std::pair<std::string, std::string>>& environment) {
  if (command.empty()) {
    return absl::InvalidArgumentError("empty serve command");
  }
  // A serve that dies leaves a pipe nobody reads; writing to it must fail
  // the call, not kill the runner.
  platform::IgnoreBrokenPipeSignal();
  platform::SubprocessOptions options;
  options.argv = command;
  options.environment = environment;
  options.pipe_stdin = true;
  options.pipe_stdout = true;
  absl::StatusOr<platform::Subprocess> process =
      platform::Subprocess::Spawn(options);
  if (!process.ok()) {
    return absl::Status(process.status().code(),
                        absl::StrCat("cannot start ", command[0], ": ",
                                     process.status().message()));
  }
  return ServeConnection(std::make_unique<State>(*std::move(process)));
}

ServeConnection::ServeConnection(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

ServeConnection::ServeConnection(ServeConnection&& other) noexcept = default;

ServeConnection& ServeConnection::operator=(ServeConnection&& other) noexcept {
  if (this != &other) {
    Stop();
    state_ = std::move(other.state_);
  }
  return *this;
}

ServeConnection::~ServeConnection() { Stop(); }

platform::ProcessId ServeConnection::pid() const {
  return state_->process.pid();
}

std::optional<platform::ExitStatus> ServeConnection::exit_status() const {
  return state_->exit_status;
}

absl::Status ServeConnection::LoseConnection(absl::Status status) {
  state_->lost = status;
  return status;
}

void ServeConnection::RejectRequestFromServe(const jsonrpc::Request& request) {
  if (request.is_notification) return;
  // A failed write shows up as a lost connection on the next read.
  state_->writer
      .Write(jsonrpc::SerializeError(
          request.id, jsonrpc::kMethodNotFound,
          absl::StrCat("Method not found: ", request.method)))
      .IgnoreError();
}

absl::StatusOr<Json> ServeConnection::Call(const std::string& method,
                                           const Json& params,
                                           absl::Duration timeout) {
  if (state_->stopped) {
    return absl::FailedPreconditionError(
        "Cannot access a disposed object: the connection to this process was "
        "stopped (object disposed)");
  }
  if (!state_->lost.ok()) return state_->lost;

  const int64_t id = state_->next_id++;
  if (absl::Status written =
          state_->writer.Write(jsonrpc::SerializeRequest(id, method, params));
      !written.ok()) {
    return LoseConnection(absl::UnavailableError(absl::StrCat(
        "connection lost: cannot send '", method, "': ", written.message())));
  }

  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<std::string> body =
        state_->reader.Read(deadline - absl::Now());
    if (absl::IsDeadlineExceeded(body.status())) {
      return absl::DeadlineExceededError(
          absl::StrCat("no reply to '", method, "' (id ", id, ") within ",
                       absl::FormatDuration(timeout)));
    }
    if (absl::IsOutOfRange(body.status()) || absl::IsDataLoss(body.status())) {
      std::string how = "the serve closed its stdout";
      if (std::optional<platform::ExitStatus> status =
              state_->process.WaitFor(kExitStatusWait)) {
        state_->exit_status = status;
        how = absl::StrCat("the serve ended (", status->ToString(), ")");
      }
      return LoseConnection(absl::UnavailableError(
          absl::StrCat("connection lost before the reply to '", method,
                       "' (id ", id, "): ", how)));
    }
    if (!body.ok()) {
      return LoseConnection(absl::UnavailableError(
          absl::StrCat("connection lost: the serve wrote a malformed frame: ",
                       body.status().message())));
    }

    absl::StatusOr<jsonrpc::Response> response = jsonrpc::ParseResponse(*body);
    if (!response.ok()) {
      const std::variant<jsonrpc::Request, jsonrpc::RpcError> request =
          jsonrpc::ParseRequest(*body);
      if (const auto* from_serve = std::get_if<jsonrpc::Request>(&request)) {
        RejectRequestFromServe(*from_serve);
        continue;
      }
      return LoseConnection(absl::UnavailableError(absl::StrCat(
          "connection lost: the serve wrote something that is not a JSON-RPC "
          "message: ",
          response.status().message())));
    }
    if (!IdMatches(response->id, id)) {
      return absl::InternalError(
          absl::StrCat("the reply to '", method, "' (id ", id, ") carries id ",
                       response->id.dump(), "; Harmony would wait forever"));
    }
    if (response->error.has_value()) return RpcErrorStatus(*response->error);
    return *std::move(response->result);
  }
}

void ServeConnection::Stop() {
  if (state_ == nullptr || state_->stopped) return;
  state_->stopped = true;
  // Disposing Harmony's JsonRpc closes both streams it owns.
  state_->process.stdin_pipe().Close();
  state_->process.stdout_pipe().Close();
  if (state_->exit_status.has_value()) return;
  state_->exit_status = state_->process.WaitFor(kStopGrace);
  if (!state_->exit_status.has_value()) {
    state_->process.KillAbruptly();
    state_->exit_status = state_->process.Wait();
  }
}

}  // namespace zerobuffer::harmony
