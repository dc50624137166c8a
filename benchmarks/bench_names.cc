#include "benchmarks/bench_names.h"

#include <atomic>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "platform/process.h"

namespace zerobuffer::bench {

std::string UniqueName(const std::string& tag) {
  static std::atomic<uint64_t> next{0};
  return absl::StrCat(kBenchNamePrefix, platform::CurrentProcessId(), "-",
                      next.fetch_add(1), "-", tag);
}

}  // namespace zerobuffer::bench
