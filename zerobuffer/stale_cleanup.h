// Removal of resources left behind by crashed readers (protocol.md 5.2).

#ifndef ZEROBUFFER_ZEROBUFFER_STALE_CLEANUP_H_
#define ZEROBUFFER_ZEROBUFFER_STALE_CLEANUP_H_

#include <string>
#include <vector>

namespace zerobuffer {

struct StaleCleanupReport {
  // Lock files that no process held any more.
  std::vector<std::string> removed_lock_files;
  // Buffers whose segment and semaphores were removed because their owner
  // is gone.
  std::vector<std::string> removed_buffers;

  bool empty() const {
    return removed_lock_files.empty() && removed_buffers.empty();
  }
};

// The cleanup every reader runs before creating its buffer: for each lock
// file in both lock directories that no process holds and whose buffer has
// neither a live reader nor a live writer, remove the file (while holding
// its lock), then the buffer's segment and semaphores. A buffer a writer
// still uses keeps its lock file, so a later scan finds it again. Lock files
// whose stem is not a valid buffer name are left alone.
StaleCleanupReport CleanupStaleResources();

// Who must be gone before a buffer's objects may be removed.
enum class AbandonmentRule {
  // The stale-lock scan: neither the reader nor a writer is alive.
  kReaderAndWriterGone,
  // Creating a buffer whose lock we already hold: only the previous owner
  // (the reader) matters; a writer still attached to the old segment keeps
  // its mapping after the unlink.
  kReaderGone,
};

// Removes the segment and both semaphores of `name` when `rule` holds for
// the PIDs in its OIEB, or when the segment is missing or too small to hold
// an OIEB (then nobody can be using it). True when something was removed.
bool RemoveBufferIfAbandoned(const std::string& name, AbandonmentRule rule);

// Unlinks whichever of the segment and semaphores of `name` exist (a crash
// can leave any subset behind); true when at least one did. Names only:
// processes that have them mapped or open keep using them.
bool UnlinkBufferObjects(const std::string& name);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_STALE_CLEANUP_H_
