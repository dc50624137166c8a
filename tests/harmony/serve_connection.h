// One serve process as Harmony sees it (harmony-contract §2.2-2.4, §3): a
// child with piped stdin and stdout speaking Content-Length framed JSON-RPC,
// called one request at a time, and stopped the way Harmony disposes it.
//
// stderr is inherited, so the serve's logs appear in the runner's output
// (Harmony logs them as warnings).

#ifndef ZEROBUFFER_TESTS_HARMONY_SERVE_CONNECTION_H_
#define ZEROBUFFER_TESTS_HARMONY_SERVE_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "platform/process.h"
#include "platform/subprocess.h"
#include "serve/jsonrpc/message.h"

namespace zerobuffer::harmony {

using Json = jsonrpc::Json;

// The JSON-RPC error code of a status Call returned for an error response;
// nullopt for every other status. Harmony treats codes differently
// (contract §3.4): -32601, -32602 and -32003 raise other exceptions than
// the rest, which are RemoteInvocationExceptions.
std::optional<int> RpcErrorCode(const absl::Status& status);

// Whether Harmony sees the error as a RemoteInvocationException: an error
// response with a code other than -32601, -32602 and -32003.
bool IsRemoteInvocationError(const absl::Status& status);

class ServeConnection {
 public:
  // Starts `command` (argv[0] a path, not looked up on PATH) with
  // `environment` added to ours.
  static absl::StatusOr<ServeConnection> Start(
      const std::vector<std::string>& command,
      const std::vector<std::pair<std::string, std::string>>& environment);

  ServeConnection(ServeConnection&& other) noexcept;
  ServeConnection& operator=(ServeConnection&& other) noexcept;
  ServeConnection(const ServeConnection&) = delete;
  ServeConnection& operator=(const ServeConnection&) = delete;
  // Stops the serve if Stop has not.
  ~ServeConnection();

  // Sends {"jsonrpc":"2.0","id":N,"method":..,"params":..} and waits for
  // the reply. Ids come from this connection's counter, which starts at 2
  // like StreamJsonRpc's. `params` goes out as given: Harmony always sends
  // an array.
  //
  // The result of a success reply, "result":null included. Otherwise:
  //  * an error reply: kUnknown with "<message> (JSON-RPC error <code>)",
  //    the code also readable with RpcErrorCode;
  //  * a reply with another id: kInternal (Harmony would wait forever);
  //  * no reply within `timeout`: kDeadlineExceeded (Harmony has no limit);
  //    a late reply then fails the next call as one with another id;
  //  * the serve closed stdout, or wrote something that is not a JSON-RPC
  //    message or framed otherwise than Harmony's reader demands
  //    (jsonrpc::HeaderRules::kHarmony): kUnavailable, and every later call
  //    fails the same way, as Harmony drops the whole connection;
  //  * after Stop: kFailedPrecondition, "object disposed".
  // Requests the serve sends are answered with "method not found", as
  // Harmony exposes no methods.
  absl::StatusOr<Json> Call(const std::string& method, const Json& params,
                            absl::Duration timeout);

  // Harmony's stop (contract §2.4): close both pipes, give the serve 5 s to
  // exit, then SIGKILL it. Later calls fail with "object disposed".
  // Idempotent.
  void Stop();

  platform::ProcessId pid() const;

  // How the serve ended, once it has been stopped.
  std::optional<platform::ExitStatus> exit_status() const;

 private:
  struct State;

  explicit ServeConnection(std::unique_ptr<State> state);

  // Fails every later call with `status`, which it returns.
  absl::Status LoseConnection(absl::Status status);
  // Answers a request the serve sent us.
  void RejectRequestFromServe(const jsonrpc::Request& request);

  // Heap-held, so that the reader's and writer's pointers to the pipes
  // survive moves.
  std::unique_ptr<State> state_;
};

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_SERVE_CONNECTION_H_
