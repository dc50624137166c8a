#include "tests/contract/serve_test_fixture.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "platform/process.h"
#include "tests/harmony/harmony_requests.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::testing {

uint64_t FakeHostPid() { return platform::CurrentProcessId() + 1000000000; }

std::string PhysicalName(const std::string& name) {
  return absl::StrCat(name, "_", FakeHostPid(), "_1");
}

Json InitializeParams(const std::string& role) {
  return Json::array({harmony::InitializeRequest(role, "cpp", FakeHostPid(),
                                                 /*feature_id=*/1)});
}

Json StepParams(const std::string& text) {
  return Json::array({harmony::ExecuteStepRequest(
      "reader", steps::StepType::kGiven, text, /*is_broadcast=*/false)});
}

std::string CreateBufferStep(const std::string& name) {
  return absl::StrCat("the 'reader' process creates buffer '", name,
                      "' with metadata size '1024' and payload size '10240'");
}

void ServeContractTest::SetUp() { Restart({}); }

void ServeContractTest::TearDown() {
  StopServe();
  LeakCheckedTest::TearDown();
}

void ServeContractTest::StopServe() {
  if (serve_ == nullptr) return;
  serve_->CloseStdin();
  // Harmony kills a serve still there after 5 s.
  EXPECT_TRUE(serve_->WaitFor(absl::Seconds(5)).has_value())
      << "the serve outlived Harmony's grace";
  serve_.reset();
}

void ServeContractTest::Restart(const ServeOptions& options) {
  StopServe();
  absl::StatusOr<ServeProcess> serve =
      ServeProcess::Start(FakeHostPid(), options);
  ASSERT_TRUE(serve.ok()) << serve.status();
  serve_ = std::make_unique<ServeProcess>(*std::move(serve));
}

std::string ServeContractTest::BufferName(const std::string& tag) {
  return UniqueBufferName(tag);
}

Json ServeContractTest::CallOk(const Json& id, const std::string& method,
                               const Json& params) {
  absl::StatusOr<Json> reply = serve_->Call(id, method, params);
  EXPECT_TRUE(reply.ok()) << method << ": " << reply.status();
  return reply.ok() ? *reply : Json();
}

Json ServeContractTest::StepResult(const std::string& text, int id) {
  return CallOk(id, "executeStep", StepParams(text)).at("result");
}

}  // namespace zerobuffer::testing
