#include "steps/lifecycle/buffer_resources.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "steps/step_failure.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/names.h"
#include "zerobuffer/oieb_check.h"
#include "zerobuffer/oieb_view.h"

namespace zerobuffer::steps {

std::vector<std::string> LiveScenarioBuffers(StepContext& context) {
  const std::optional<std::string> directory =
      platform::SharedMemory::FilesystemPath("");
  if (!directory.has_value()) {
    throw StepFailure(
        "not applicable on this platform: shared memory segments are not "
        "files here, so the scenario's buffers cannot be listed");
  }
  // Every physical name is <name><suffix>; the empty name yields the suffix.
  const std::string suffix = context.PhysicalName("");
  absl::StatusOr<std::vector<std::string>> files =
      platform::ListFiles(*directory, suffix);
  if (!files.ok()) {
    throw StepFailure(absl::StrCat("cannot list ", *directory, ": ",
                                   files.status().message()));
  }
  std::vector<std::string> buffers;
  for (const std::string& file : *files) {
    // Semaphore files ("sem.…") are not valid buffer names.
    if (!ValidateBufferName(file).ok()) continue;
    const absl::StatusOr<platform::SharedMemory> segment =
        platform::SharedMemory::Open(file);
    if (segment.ok() && segment->size() >= kOiebSize &&
        platform::IsProcessAlive(
            OiebView(segment->data()).Load(&OIEB::reader_pid))) {
      buffers.push_back(file);
    }
  }
  return buffers;
}

absl::Status CheckBufferConsistency(const std::string& name) {
  const SegmentAccess segment(name);
  const OIEB oieb = segment.Snapshot();
  std::vector<std::string> problems;
  if (const absl::Status valid = CheckOiebForConnect(oieb, segment.size());
      !valid.ok()) {
    problems.push_back(std::string(valid.message()));
  }
  if (!platform::IsProcessAlive(oieb.reader_pid)) {
    problems.push_back(
        absl::StrCat("its reader (PID ", oieb.reader_pid, ") is not alive"));
  }
  const std::string lock = LockFilePaths(name).front();
  const absl::StatusOr<bool> held = platform::FileLock::IsHeld(lock);
  if (!held.ok() || !*held) {
    problems.push_back(absl::StrCat(
        "lock file ", lock, " is not held",
        held.ok() ? "" : absl::StrCat(" (", held.status().message(), ")")));
  }
  if (oieb.writer_pid != 0 && !platform::IsProcessAlive(oieb.writer_pid)) {
    problems.push_back(absl::StrCat("writer_pid ", oieb.writer_pid,
                                    " names a process that is gone"));
  }
  if (oieb.payload_read_count > oieb.payload_written_count) {
    problems.push_back(absl::StrCat(
        "payload_read_count ", oieb.payload_read_count,
        " exceeds payload_written_count ", oieb.payload_written_count));
  }
  if (oieb.metadata_written_bytes + oieb.metadata_free_bytes !=
      oieb.metadata_size) {
    problems.push_back(
        absl::StrCat("metadata_written_bytes ", oieb.metadata_written_bytes,
                     " + metadata_free_bytes ", oieb.metadata_free_bytes,
                     " != metadata_size ", oieb.metadata_size));
  }
  const uint64_t unread =
      oieb.payload_written_count -
      std::min(oieb.payload_written_count, oieb.payload_read_count);
  const BufferObjectNames names = BufferObjectNames::For(name);
  for (const std::string& semaphore_name :
       {names.write_semaphore, names.read_semaphore}) {
    absl::StatusOr<platform::NamedSemaphore> semaphore =
        platform::NamedSemaphore::Open(semaphore_name);
    if (!semaphore.ok()) {
      problems.push_back(absl::StrCat("semaphore ", semaphore_name, ": ",
                                      semaphore.status().message()));
      continue;
    }
    // sem-w counts committed frames not yet consumed (where the OS tells).
    const std::optional<int> signalled = semaphore->Value();
    if (semaphore_name == names.write_semaphore && signalled.has_value() &&
        (*signalled < 0 || static_cast<uint64_t>(*signalled) > unread)) {
      problems.push_back(absl::StrCat("sem-w signals ", *signalled,
                                      " frames but ", unread, " are unread"));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return Failed(absl::StrCat(
      "buffer ", name, " is inconsistent: ", absl::StrJoin(problems, "; ")));
}

}  // namespace zerobuffer::steps
