#include "benchmarks/proc_cpu_time.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "absl/strings/str_cat.h"

namespace zerobuffer::bench {

std::chrono::nanoseconds ProcessCpuTime(platform::ProcessId pid) {
  const std::string tasks = absl::StrCat("/proc/", pid, "/task");
  std::error_code error;
  const std::filesystem::directory_iterator threads(tasks, error);
  if (error) {
    throw std::runtime_error(
        absl::StrCat("cannot list ", tasks, ": ", error.message()));
  }
  uint64_t total_ns = 0;
  for (const std::filesystem::directory_entry& thread : threads) {
    // A thread that ended since the listing just no longer counts.
    std::ifstream schedstat(thread.path() / "schedstat");
    uint64_t on_cpu_ns = 0;
    if (schedstat >> on_cpu_ns) total_ns += on_cpu_ns;
  }
  return std::chrono::nanoseconds(total_ns);
}

}  // namespace zerobuffer::bench
