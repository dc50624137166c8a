// fake_serve: a stand-in step server for the runner's tests. It speaks
// Harmony's protocol on stdin/stdout, appends every request it receives to
// the file named by --log (one JSON object a line, with its PID and the
// HARMONY_* environment), and answers by what the step text contains:
//
//   FAIL        Success false, Error "failed: <text>"
//   RPCERROR    JSON-RPC error -32000 "boom"
//   BADID       a success reply carrying another id
//   BADLEVEL    a success reply whose log Level is "INFO"
//   HANG        no reply at all
//   EXIT        exits without replying
//   GARBAGE     unframed text on stdout instead of a reply
//   LFFRAME     a success reply whose header lines end in a bare LF, which
//               a tolerant reader takes and Harmony's does not
//   LEAVE <n>   creates segment <n>_<host pid>_<feature id> and never
//               removes it
//   BARRIER <n> waits until <n> processes sharing --log have reached the
//               barrier (up to 30 s), then succeeds; fails on timeout
//   anything else  succeeds
//
// crash replies and then dies like a crash; shutdown replies and exits 0.
// At the end of stdin it logs {"event":"eof"} and exits 0 (or, with
// --ignore_eof, waits to be killed).

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "platform/file_descriptor.h"
#include "platform/process.h"
#include "platform/shared_memory.h"
#include "serve/jsonrpc/framing.h"
#include "serve/jsonrpc/message.h"

ABSL_FLAG(std::string, log, "", "File to append received requests to.");
ABSL_FLAG(bool, healthy, true, "What health answers.");
ABSL_FLAG(bool, initialize_null, false, "Answer initialize with null.");
ABSL_FLAG(bool, ignore_eof, false,
          "Keep running after stdin ends, so that only a kill ends it.");

namespace zerobuffer::harmony {
namespace {

using jsonrpc::Json;

constexpr auto kBarrierTimeout = std::chrono::seconds(30);

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

void Log(Json entry) {
  entry["pid"] = platform::CurrentProcessId();
  entry["HARMONY_HOST_PID"] = Environment("HARMONY_HOST_PID");
  entry["HARMONY_FEATURE_ID"] = Environment("HARMONY_FEATURE_ID");
  // One write per line in append mode: lines of concurrent processes never
  // interleave.
  std::ofstream(absl::GetFlag(FLAGS_log), std::ios::app) << entry.dump() + "\n"
                                                         << std::flush;
}

// The number after `word` in `text`, or 0.
int NumberAfter(const std::string& text, const std::string& word) {
  const size_t at = text.find(word);
  int number = 0;
  if (at == std::string::npos ||
      !absl::SimpleAtoi(text.substr(at + word.size()), &number)) {
    return 0;
  }
  return number;
}

Json StepResponse(bool success, const std::string& error) {
  // Mixed casing on purpose: Harmony matches names regardless of case.
  const Json log_entry = {{"timestamp", "2025-11-25T10:15:30.123Z"},
                          {"LEVEL", "information"},
                          {"Message", "fake"}};
  Json response = Json::object();
  response["success"] = success;
  response["Error"] = success ? Json(nullptr) : Json(error);
  response["CONTEXT"] = Json::object();
  response["logs"] = Json::array({log_entry});
  return response;
}

bool AwaitBarrier(int count) {
  const std::string directory = absl::GetFlag(FLAGS_log) + ".barrier";
  std::filesystem::create_directories(directory);
  std::ofstream(absl::StrCat(directory, "/", platform::CurrentProcessId()));
  const auto deadline = std::chrono::steady_clock::now() + kBarrierTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto arrived =
        std::distance(std::filesystem::directory_iterator(directory),
                      std::filesystem::directory_iterator());
    if (arrived >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void LeaveSegment(const std::string& name) {
  static std::vector<platform::SharedMemory> kept;
  absl::StatusOr<platform::SharedMemory> segment =
      platform::SharedMemory::CreateExclusive(
          absl::StrCat(name, "_", Environment("HARMONY_HOST_PID"), "_",
                       Environment("HARMONY_FEATURE_ID")),
          64);
  if (segment.ok()) kept.push_back(*std::move(segment));
}

int Serve() {
  platform::IgnoreBrokenPipeSignal();
  platform::FileDescriptor in(0);
  platform::FileDescriptor out(1);
  jsonrpc::MessageReader reader(&in, 1 << 20);
  jsonrpc::MessageWriter writer(&out);
  while (true) {
    absl::StatusOr<std::string> body = reader.Read();
    if (absl::IsOutOfRange(body.status())) {
      Log({{"event", "eof"}});
      while (absl::GetFlag(FLAGS_ignore_eof)) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      return 0;
    }
    if (!body.ok()) continue;
    std::variant<jsonrpc::Request, jsonrpc::RpcError> parsed =
        jsonrpc::ParseRequest(*body);
    if (!std::holds_alternative<jsonrpc::Request>(parsed)) continue;
    const jsonrpc::Request& request = std::get<jsonrpc::Request>(parsed);
    Log({{"request", Json::parse(*body)}});

    auto reply = [&](const Json& result) {
      writer.Write(jsonrpc::SerializeResult(request.id, result)).IgnoreError();
    };
    if (request.method == "health") {
      reply(absl::GetFlag(FLAGS_healthy));
    } else if (request.method == "initialize") {
      reply(absl::GetFlag(FLAGS_initialize_null) ? Json(nullptr) : Json(true));
    } else if (request.method == "crash") {
      reply(nullptr);
      platform::DieAbruptly();
    } else if (request.method == "shutdown") {
      reply(nullptr);
      return 0;
    } else if (request.method != "executeStep") {
      writer
          .Write(jsonrpc::SerializeError(request.id, jsonrpc::kMethodNotFound,
                                         "Method not found"))
          .IgnoreError();
    } else {
      const std::string text = request.params[0]["Step"].get<std::string>();
      if (absl::StrContains(text, "HANG")) continue;
      if (absl::StrContains(text, "EXIT")) return 3;
      if (absl::StrContains(text, "GARBAGE")) {
        out.WriteAll("this is not a frame\r\n\r\n").IgnoreError();
      } else if (absl::StrContains(text, "LFFRAME")) {
        const std::string body =
            jsonrpc::SerializeResult(request.id, StepResponse(true, ""));
        out.WriteAll(
               absl::StrCat("Content-Length: ", body.size(), "\n\n", body))
            .IgnoreError();
      } else if (absl::StrContains(text, "RPCERROR")) {
        writer.Write(jsonrpc::SerializeError(request.id, -32000, "boom"))
            .IgnoreError();
      } else if (absl::StrContains(text, "BADID")) {
        writer
            .Write(jsonrpc::SerializeResult(request.id.get<int64_t>() + 100,
                                            StepResponse(true, "")))
            .IgnoreError();
      } else if (absl::StrContains(text, "BADLEVEL")) {
        Json response = StepResponse(true, "");
        response["logs"][0]["LEVEL"] = "INFO";
        reply(response);
      } else if (absl::StrContains(text, "BARRIER")) {
        const bool met = AwaitBarrier(NumberAfter(text, "BARRIER "));
        reply(StepResponse(met, "barrier timed out"));
      } else {
        if (absl::StrContains(text, "LEAVE")) {
          LeaveSegment(text.substr(text.find("LEAVE ") + 6));
        }
        const bool fail = absl::StrContains(text, "FAIL");
        reply(StepResponse(!fail, absl::StrCat("failed: ", text)));
      }
    }
  }
}

}  // namespace
}  // namespace zerobuffer::harmony

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return zerobuffer::harmony::Serve();
}
