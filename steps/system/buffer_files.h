// The files a buffer's objects show as on this platform: its segment and
// semaphores (under /dev/shm on Linux) and its lock files. The platform,
// stale-cleanup and stress steps check them to see what a reader created
// and that nothing outlives it.

#ifndef ZEROBUFFER_STEPS_SYSTEM_BUFFER_FILES_H_
#define ZEROBUFFER_STEPS_SYSTEM_BUFFER_FILES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace zerobuffer::steps {

struct BufferFile {
  std::string kind;  // "segment", "semaphore sem-w-<name>", "lock file"
  std::string path;

  std::string Describe() const { return kind + " " + path; }
};

// The segment (first), both semaphores and both lock files of buffer
// `name`.
// Throws StepFailure where segments or semaphores are not files.
std::vector<BufferFile> FilesOf(const std::string& name);

// The descriptions of those of `files` that exist now, or that do not.
std::vector<std::string> Existing(const std::vector<BufferFile>& files);
std::vector<std::string> Missing(const std::vector<BufferFile>& files);

// OK when every file of buffer `name` exists, or when none does; otherwise
// a failure naming the odd ones, introduced by `when` ("after close").
absl::Status ExpectAllFiles(const std::string& name, const std::string& when);
absl::Status ExpectNoFiles(const std::string& name, const std::string& when);

// Like ExpectNoFiles, and also no other entry whose name contains `name`
// in the directories those files live in (a semaphore's temporary file, a
// lock file under another suffix).
absl::Status ExpectNothingNaming(const std::string& name,
                                 const std::string& when);

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SYSTEM_BUFFER_FILES_H_
