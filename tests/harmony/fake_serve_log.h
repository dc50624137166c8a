// For the tests that drive //tests/harmony:fake_serve: where it is and what
// it recorded.

#ifndef ZEROBUFFER_TESTS_HARMONY_FAKE_SERVE_LOG_H_
#define ZEROBUFFER_TESTS_HARMONY_FAKE_SERVE_LOG_H_

#include <string>
#include <vector>

#include "serve/jsonrpc/message.h"

namespace zerobuffer::harmony {

// The fake serve's path, from $FAKE_SERVE (set by the BUILD rule).
std::string FakeServePath();

// A fresh log file path for the running test, under $TEST_TMPDIR.
std::string NewFakeServeLogPath();

// The entries of a fake serve log, in the order they were written: each
// {"pid", "HARMONY_HOST_PID", "HARMONY_FEATURE_ID"} plus either "request"
// (the request as received) or "event" ("eof"). Empty when the file does
// not exist.
std::vector<jsonrpc::Json> ReadFakeServeLog(const std::string& path);

}  // namespace zerobuffer::harmony

#endif  // ZEROBUFFER_TESTS_HARMONY_FAKE_SERVE_LOG_H_
