#include "benchmarks/proc_cpu_time.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmarks/or_throw.h"
#include "platform/process_stats.h"

namespace zerobuffer::bench {

std::chrono::nanoseconds ProcessCpuTime(platform::ProcessId pid) {
  return absl::ToChronoNanoseconds(
      OrThrow(platform::ProcessCpuTime(pid),
              absl::StrCat("CPU time of process ", pid)));
}

}  // namespace zerobuffer::bench
