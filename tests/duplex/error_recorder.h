// The name tests/multiprocess/duplex_multiprocess_test.cc still uses for
// steps/duplex/error_reports.h; it goes once that test names ErrorReports.

#ifndef ZEROBUFFER_TESTS_DUPLEX_ERROR_RECORDER_H_
#define ZEROBUFFER_TESTS_DUPLEX_ERROR_RECORDER_H_

#include "steps/duplex/error_reports.h"  // IWYU pragma: export

namespace zerobuffer::testing {

using ErrorRecorder = steps::duplex_steps::ErrorReports;

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_DUPLEX_ERROR_RECORDER_H_
