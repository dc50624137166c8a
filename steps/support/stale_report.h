// Checks on what a reader's stale cleanup reports it removed (8.4, 12.3).

#ifndef ZEROBUFFER_STEPS_SUPPORT_STALE_REPORT_H_
#define ZEROBUFFER_STEPS_SUPPORT_STALE_REPORT_H_

#include <string>
#include <vector>

#include "zerobuffer/stale_cleanup.h"

namespace zerobuffer::steps {

// Which of `lock_files` and buffer `buffer` the report does not name as
// removed ("buffer <name>" for the buffer); empty when it names them all.
std::vector<std::string> UnreportedRemovals(
    const StaleCleanupReport& report,
    const std::vector<std::string>& lock_files, const std::string& buffer);

// "removed lock files [a, b] and buffers [c]".
std::string DescribeRemovals(const StaleCleanupReport& report);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_STALE_REPORT_H_
