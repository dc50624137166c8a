#include "tests/harmony/harmony_requests.h"

#include "absl/strings/str_cat.h"

namespace zerobuffer::harmony {

jsonrpc::Json InitializeRequest(const std::string& role,
                                const std::string& platform, uint64_t host_pid,
                                int feature_id) {
  jsonrpc::Json request = jsonrpc::Json::object();
  request["Role"] = role;
  request["Platform"] = platform;
  request["Scenario"] = "test";
  request["HostPid"] = host_pid;
  request["FeatureId"] = feature_id;
  request["TestRunId"] = absl::StrCat(host_pid, "_", feature_id);
  return request;
}

jsonrpc::Json ExecuteStepRequest(const std::string& role, steps::StepType type,
                                 const std::string& text, bool is_broadcast) {
  jsonrpc::Json request = jsonrpc::Json::object();
  request["Process"] = role;
  request["StepType"] = static_cast<int>(type);
  request["Step"] = text;
  request["Parameters"] = jsonrpc::Json::object();
  request["Context"] = jsonrpc::Json::object();
  request["IsBroadcast"] = is_broadcast;
  return request;
}

}  // namespace zerobuffer::harmony
