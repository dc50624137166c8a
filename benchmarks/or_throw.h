// absl::Status failures as exceptions, for benchmark code where a failed
// OS call simply ends the benchmark (see run_or_skip.h).

#ifndef ZEROBUFFER_BENCHMARKS_OR_THROW_H_
#define ZEROBUFFER_BENCHMARKS_OR_THROW_H_

#include <stdexcept>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace zerobuffer::bench {

inline void ThrowIfFailed(const absl::Status& status, const std::string& what) {
  if (!status.ok()) {
    throw std::runtime_error(absl::StrCat(what, ": ", status.ToString()));
  }
}

template <typename T>
T OrThrow(absl::StatusOr<T> value, const std::string& what) {
  ThrowIfFailed(value.status(), what);
  return *std::move(value);
}

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_OR_THROW_H_
