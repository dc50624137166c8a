// What the contract tests share: Harmony's request shapes for a fake host
// PID, and a fixture that runs one serve per test and ends it as Harmony
// does.

#ifndef ZEROBUFFER_TESTS_CONTRACT_SERVE_TEST_FIXTURE_H_
#define ZEROBUFFER_TESTS_CONTRACT_SERVE_TEST_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "tests/contract/serve_process.h"
#include "tests/support/leak_checked_test.h"

namespace zerobuffer::testing {

// A host PID no real process has, so buffer names are unique to this test
// process: <name>_<pid + 1000000000>_1.
uint64_t FakeHostPid();

// The name the serve gives buffer `name` (step-catalog 2.1).
std::string PhysicalName(const std::string& name);

// initialize's params as Harmony sends them, for FakeHostPid and feature 1.
Json InitializeParams(const std::string& role);

// executeStep's params as Harmony sends them.
Json StepParams(const std::string& text);

// "the 'reader' process creates buffer '<name>' with metadata size '1024'
// and payload size '10240'".
std::string CreateBufferStep(const std::string& name);

class ServeContractTest : public LeakCheckedTest {
 protected:
  void SetUp() override;
  // As Harmony ends a scenario: end of input, then the serve releases its
  // buffers and exits (a kill would leave its worker finishing alone).
  void TearDown() override;

  // Ends the running serve as TearDown does and starts another with
  // `options`.
  void Restart(const ServeOptions& options);

  // A buffer name carrying this process's marker, so leftovers are found.
  static std::string BufferName(const std::string& tag);

  // The whole reply to a call that must get one.
  Json CallOk(const Json& id, const std::string& method, const Json& params);
  // The result of executeStep for `text`.
  Json StepResult(const std::string& text, int id = 100);

  std::unique_ptr<ServeProcess> serve_;

 private:
  void StopServe();
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_CONTRACT_SERVE_TEST_FIXTURE_H_
