// The base fixture of every test that creates ZeroBuffer objects: names come
// from UniqueBufferName, and whatever carries this process's marker in
// /dev/shm or the lock directories at the end of a test fails that test and
// is removed, so one leak never spills into the next test.

#ifndef ZEROBUFFER_TESTS_SUPPORT_LEAK_CHECKED_TEST_H_
#define ZEROBUFFER_TESTS_SUPPORT_LEAK_CHECKED_TEST_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace zerobuffer::testing {

class LeakCheckedTest : public ::testing::Test {
 protected:
  // Subclasses that stop processes in TearDown call this afterwards.
  void TearDown() override;

  // A new empty directory under $TEST_TMPDIR, removed again in TearDown.
  std::string MakeTempDirectory();

 private:
  std::vector<std::string> temp_directories_;
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_LEAK_CHECKED_TEST_H_
