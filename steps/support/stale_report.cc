#include "steps/support/stale_report.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zerobuffer::steps {
namespace {

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

std::vector<std::string> UnreportedRemovals(
    const StaleCleanupReport& report,
    const std::vector<std::string>& lock_files, const std::string& buffer) {
  std::vector<std::string> missed;
  for (const std::string& lock : lock_files) {
    if (!Contains(report.removed_lock_files, lock)) missed.push_back(lock);
  }
  if (!Contains(report.removed_buffers, buffer)) {
    missed.push_back(absl::StrCat("buffer ", buffer));
  }
  return missed;
}

std::string DescribeRemovals(const StaleCleanupReport& report) {
  return absl::StrCat(
      "removed lock files [", absl::StrJoin(report.removed_lock_files, ", "),
      "] and buffers [", absl::StrJoin(report.removed_buffers, ", "), "]");
}

}  // namespace zerobuffer::steps
