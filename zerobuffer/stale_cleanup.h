// Removal of what crashed readers leave behind (protocol.md 5.2): a buffer's
// segment, semaphores and lock files.
//
// A reader holds its lock files from before it creates its segment until
// after it has removed it. PIDs alone cannot tell a crashed reader from one
// that has created its segment but not yet published its PID, so objects are
// only ever removed by a process that holds every lock file of the name: then
// no reader can be creating, using or removing them meanwhile.
//
// On Windows the kernel destroys a segment or semaphore, name included, with
// its last handle, so a crashed reader leaves only its lock files behind;
// there the unlinking below finds nothing to do.

#ifndef ZEROBUFFER_ZEROBUFFER_STALE_CLEANUP_H_
#define ZEROBUFFER_ZEROBUFFER_STALE_CLEANUP_H_

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "platform/file_lock.h"
#include "zerobuffer/names.h"
#include "zerobuffer/object_namespace.h"

namespace zerobuffer {

struct StaleCleanupReport {
  // Lock files that no process held any more.
  std::vector<std::string> removed_lock_files;
  // Buffers whose segment or semaphores were removed because their owner
  // is gone.
  std::vector<std::string> removed_buffers;
};

// The cleanup every reader runs before creating its buffer: every buffer
// that has a lock file in either lock directory goes through
// RemoveBufferIfAbandoned with kReaderAndWriterGone, in the session
// namespace. Lock files whose stem is not a valid buffer name are left
// alone.
StaleCleanupReport CleanupStaleResources();

// Who must be gone before a buffer's objects may be removed.
enum class AbandonmentRule {
  // The stale-lock scan, and a writer closing after its reader crashed:
  // neither the reader nor a writer is alive.
  kReaderAndWriterGone,
  // Creating a buffer whose lock this process already holds: only the
  // previous owner (the reader) matters; a writer still attached to the old
  // segment keeps its mapping after the unlink.
  kReaderGone,
};

// Removes buffer `name`, whose objects live in `object_namespace`, if it is
// abandoned: `rule` holds for the PIDs in its OIEB (a segment that is
// missing or too small for an OIEB names nobody), and no other process holds
// its lock file in any lock directory.
//
// The PIDs are looked at first, without touching any lock file, so a buffer
// a writer still uses keeps its lock files for a later scan. Then every lock
// file of the name is taken (except those in `held_here`, which this process
// holds already; the C# one also where this process's readers do without
// it, since a C# reader of the name locks only that one), the PIDs are looked
// at again, and the segment and both semaphores are unlinked while the locks
// are held; the lock files taken are removed as they are let go. A lock file
// another process holds means a live or starting reader: nothing is removed.
//
// True when the buffer was abandoned, so that none of its objects exist any
// more; false also when an object could not be removed (logged; see
// UnlinkBufferObjects). What was removed is added to `report` when one is
// given.
bool RemoveBufferIfAbandoned(
    const std::string& name, AbandonmentRule rule,
    StaleCleanupReport* report = nullptr,
    std::span<const platform::FileLock> held_here = {},
    ObjectNamespace object_namespace = ObjectNamespace::kSession);

// Whether the buffer with the objects `names` names no live reader: its
// segment is missing, too small for an OIEB, or its reader PID is not alive.
// A reader that has created its segment but not yet published its PID looks
// gone too, for the moment it takes to publish it.
bool ReaderLooksGone(const BufferObjectNames& names);

// Unlinks whichever of the segment and semaphores `names` exist (a crash can
// leave any subset behind); true when at least one did, false when none
// existed. An object that exists but cannot be unlinked (another user's, in
// the sticky /dev/shm) is logged, and the first such failure is returned
// once the others have been tried. On Windows, where names die with their
// objects (Unlink is kUnimplemented), there is never anything to unlink.
// Names only: processes that have them mapped or open keep using them. Only
// for a process that holds the buffer's lock files.
absl::StatusOr<bool> UnlinkBufferObjects(const BufferObjectNames& names);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_STALE_CLEANUP_H_
