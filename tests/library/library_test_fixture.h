// A fixture for tests that create real buffers: every name is unique to the
// test process, and whatever a test leaves behind fails the test and is
// removed.

#ifndef ZEROBUFFER_TESTS_LIBRARY_LIBRARY_TEST_FIXTURE_H_
#define ZEROBUFFER_TESTS_LIBRARY_LIBRARY_TEST_FIXTURE_H_

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/leftovers.h"
#include "tests/support/unique_names.h"

namespace zerobuffer::testing {

class BufferTest : public ::testing::Test {
 protected:
  void TearDown() override {
    EXPECT_THAT(RemoveLeftovers(TestProcessMarker()), ::testing::IsEmpty())
        << "the test left these objects behind";
  }

  static std::string Name(const std::string& tag) {
    return UniqueBufferName(tag);
  }
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_LIBRARY_LIBRARY_TEST_FIXTURE_H_
