// The step server as Harmony meets it: how long from starting serve to its
// answer to `health`, and the round trip of `executeStep` for a step that
// does nothing ("all processes are ready"), over the real pipes and
// Content-Length framing.

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "benchmarks/latency_stats.h"
#include "benchmarks/or_throw.h"
#include "benchmarks/run_or_skip.h"
#include "benchmarks/runfiles.h"
#include "nlohmann/json.hpp"
#include "platform/process.h"
#include "platform/subprocess.h"
#include "serve/jsonrpc/framing.h"

namespace zerobuffer::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr size_t kMaxReplyBytes = 1 << 20;
constexpr absl::Duration kReplyTimeout = absl::Seconds(20);

// One serve process and Harmony's side of its pipes.
class ServeSession {
 public:
  ServeSession() {
    platform::SubprocessOptions options;
    options.argv = {RunfilePath("serve/serve")};
    options.environment = {
        {"HARMONY_HOST_PID", absl::StrCat(platform::CurrentProcessId())},
        {"HARMONY_FEATURE_ID", "1"}};
    options.pipe_stdin = true;
    options.pipe_stdout = true;
    process_ = std::make_unique<platform::Subprocess>(
        OrThrow(platform::Subprocess::Spawn(options), "starting serve"));
    replies_ = std::make_unique<jsonrpc::MessageReader>(
        &process_->stdout_pipe(), kMaxReplyBytes);
  }

  // Sends a request with Harmony's shape and returns its result; throws on
  // an error reply.
  Json Call(const std::string& method, const Json& params) {
    const int64_t id = next_id_++;
    const Json request = {
        {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
    ThrowIfFailed(
        process_->stdin_pipe().WriteAll(jsonrpc::FrameMessage(request.dump())),
        method);
    const Json reply =
        Json::parse(OrThrow(replies_->Read(kReplyTimeout), method));
    if (reply.value("id", Json()) != id || !reply.contains("result")) {
      throw std::runtime_error(
          absl::StrCat(method, " answered ", reply.dump()));
    }
    return reply["result"];
  }

  // Closes stdin, on which serve ends as it does under Harmony.
  void Finish() {
    process_->stdin_pipe().Close();
    const std::optional<platform::ExitStatus> status =
        process_->WaitFor(absl::Seconds(10));
    if (!status.has_value() || !status->success()) {
      throw std::runtime_error("serve did not end cleanly");
    }
  }

 private:
  std::unique_ptr<platform::Subprocess> process_;
  std::unique_ptr<jsonrpc::MessageReader> replies_;
  int64_t next_id_ = 1;
};

void ExpectHealthy(ServeSession& serve) {
  if (serve.Call("health", Json::array()) != true) {
    throw std::runtime_error("health did not answer true");
  }
}

// One iteration: spawn serve, send health, get the reply. Shutting serve
// down again is not timed.
void BM_ServeStartToHealth(benchmark::State& state) {
  RunOrSkip(state, [&] {
    LatencySamples samples(state);
    for (auto _ : state) {
      const Clock::time_point start = Clock::now();
      ServeSession serve;
      ExpectHealthy(serve);
      const Clock::duration elapsed = Clock::now() - start;
      samples.Add(elapsed);
      state.SetIterationTime(std::chrono::duration<double>(elapsed).count());
      serve.Finish();
    }
    ReportLatency(state, samples.Summarize());
  });
}

void BM_ExecuteStepRoundTrip(benchmark::State& state) {
  RunOrSkip(state, [&] {
    ServeSession serve;
    ExpectHealthy(serve);
    serve.Call("initialize",
               Json::array({{{"Role", "reader"},
                             {"Platform", "cpp"},
                             {"Scenario", "benchmark"},
                             {"HostPid", platform::CurrentProcessId()},
                             {"FeatureId", 1},
                             {"TestRunId", "benchmark"}}}));
    const Json step = Json::array({{{"Process", "reader"},
                                    {"StepType", 0},
                                    {"Step", "all processes are ready"},
                                    {"Parameters", Json::object()},
                                    {"Context", Json::object()},
                                    {"IsBroadcast", false}}});
    const auto execute = [&] {
      if (serve.Call("executeStep", step).value("Success", false) != true) {
        throw std::runtime_error("the trivial step failed");
      }
    };
    for (int i = 0; i < 20; ++i) execute();
    LatencySamples samples(state);
    for (auto _ : state) {
      const Clock::time_point start = Clock::now();
      execute();
      samples.Add(Clock::now() - start);
    }
    serve.Finish();
    ReportLatency(state, samples.Summarize());
  });
}

BENCHMARK(BM_ServeStartToHealth)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExecuteStepRoundTrip)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace zerobuffer::bench
