#include "tests/harmony/fake_serve_log.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace zerobuffer::harmony {
namespace {

std::string EnvironmentOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::string FakeServePath() { return EnvironmentOrEmpty("FAKE_SERVE"); }

std::string NewFakeServeLogPath() {
  const ::testing::TestInfo* test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string path =
      absl::StrCat(EnvironmentOrEmpty("TEST_TMPDIR"), "/",
                   test->test_suite_name(), ".", test->name(), ".log");
  std::filesystem::remove(path);
  std::filesystem::remove_all(path + ".barrier");
  return path;
}

std::vector<jsonrpc::Json> ReadFakeServeLog(const std::string& path) {
  std::vector<jsonrpc::Json> entries;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    entries.push_back(jsonrpc::Json::parse(line));
  }
  return entries;
}

}  // namespace zerobuffer::harmony
