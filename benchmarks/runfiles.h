// Finds the binaries a benchmark starts (its `data` dependencies).

#ifndef ZEROBUFFER_BENCHMARKS_RUNFILES_H_
#define ZEROBUFFER_BENCHMARKS_RUNFILES_H_

#include <string>

namespace zerobuffer::bench {

// The absolute path of `path` (workspace-relative, e.g. "serve/serve") in
// this binary's runfiles: under `bazel run` and `bazel test` the working
// directory is the runfiles tree; a binary started by hand finds its tree
// next to itself. Throws std::runtime_error when it is in neither place.
std::string RunfilePath(const std::string& path);

}  // namespace zerobuffer::bench

#endif  // ZEROBUFFER_BENCHMARKS_RUNFILES_H_
