// Steps of feature 08 (platform specifics): the files a buffer shows as in
// /dev/shm (8.1), the Windows object checks that do not apply here (8.2),
// names that work on both platforms up to the longest allowed (8.3), and
// the removal of resources a crashed reader left behind (8.4).
// Sentences and semantics: step-catalog section 3.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "platform/shared_memory.h"
#include "platform/subprocess.h"
#include "re2/re2.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/buffer_objects.h"
#include "steps/support/captured_error.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "steps/support/stale_report.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/names.h"
#include "zerobuffer/oieb_view.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

// Small buffers for the names tried on the side: only their names matter.
const BufferConfig kProbeConfig(0, 4096);

std::string HostPlatformName() {
#if defined(__linux__)
  return "Linux";
#elif defined(_WIN32)
  return "Windows";
#elif defined(__APPLE__)
  return "macOS";
#else
  return "this POSIX system";
#endif
}

// A buffer created on the side, used once and closed: its files must
// appear while it lives and vanish when it closes.
absl::Status CreateUseAndClose(const std::string& name, StepLog& log) {
  Reader reader(name, kProbeConfig);
  if (absl::Status files = ExpectAllObjects(name, "While open"); !files.ok()) {
    return files;
  }
  {
    Writer writer(name);
    const std::string text = "name check";
    writer.write_frame(text.data(), text.size());
    Frame frame = reader.read_frame(milliseconds(5000));
    if (!frame.valid() || frame.size() != text.size()) {
      return Failed(
          absl::StrCat("a frame written to '", name, "' did not come back"));
    }
  }
  reader.close();
  log.Info(absl::StrCat("Created, used and removed '", name, "'"));
  return ExpectNoObjects(name, "After close");
}

// 8.1, 8.2: which platform

ZB_STEP(kGiven, "the platform is '([^']*)'",
        [](StepContext& context, const std::string& platform) -> absl::Status {
          if (platform != HostPlatformName()) {
            return Failed(
                absl::StrCat("this scenario is for ", platform,
                             ": not applicable on ", HostPlatformName(),
                             ", where this step server runs (a runner "
                             "filters such scenarios by their @",
                             absl::AsciiStrToLower(platform), " tag)"));
          }
          context.log().Info(absl::StrCat("Running on ", platform));
          return absl::OkStatus();
        });

// 8.1: Linux shared memory

ZB_STEP(kThen, "verify shared memory entry exists in '([^']*)'",
        [](StepContext& context, const std::string& directory) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          const std::string segment =
              FilePathOf(ObjectsOf(reader.name()).front());
          if (!absl::StartsWith(segment, directory)) {
            return Failed(absl::StrCat("the segment lives at ", segment,
                                       ", not under ", directory));
          }
          std::error_code error;
          const uintmax_t size = std::filesystem::file_size(segment, error);
          if (error) {
            return Failed(absl::StrCat("no shared memory entry ", segment, ": ",
                                       error.message()));
          }
          const OIEB oieb = reader.oieb_snapshot();
          const SegmentLayout layout{oieb.metadata_size, oieb.payload_size};
          if (size != layout.total_size()) {
            return Failed(absl::StrCat(segment, " has ", size,
                                       " bytes; the OIEB describes ",
                                       layout.total_size()));
          }
          context.log().Info(
              absl::StrCat("Found ", segment, " (", size, " bytes)"));
          return absl::OkStatus();
        });

ZB_STEP(
    kThen, "verify proper named semaphores created",
    [](StepContext& context) -> absl::Status {
      const std::string& name = context.State<Endpoints>().reader().name();
      const BufferObjectNames names = BufferObjectNames::For(name);
      for (const std::string& semaphore :
           {names.write_semaphore, names.read_semaphore}) {
        const std::optional<std::string> path =
            platform::NamedSemaphore::FilesystemPath(semaphore);
        if (!path.has_value() || !platform::FileExists(*path)) {
          return Failed(absl::StrCat("semaphore ", semaphore, " has no file ",
                                     path.value_or("(none here)")));
        }
        if (!platform::NamedSemaphore::Open(semaphore).ok()) {
          return Failed(absl::StrCat(*path,
                                     " exists but does not open "
                                     "as a semaphore"));
        }
      }
      // A fresh buffer: no frame written, no space freed yet.
      const SegmentAccess segment(name);
      const std::optional<int> frames = segment.FramesSignalled();
      const std::optional<int> space = segment.SpaceSignalled();
      if (frames.value_or(0) != 0 || space.value_or(0) != 0) {
        return Failed(absl::StrCat(
            "a fresh buffer's semaphores count ", frames.value_or(-1),
            " (sem-w) and ", space.value_or(-1), " (sem-r); expected 0 and 0"));
      }
      context.log().Info(absl::StrCat("Found ", names.write_semaphore, " and ",
                                      names.read_semaphore, ", both at 0"));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "test with buffer names containing special characters",
        [](StepContext& context) -> absl::Status {
          // Every punctuation mark the portable name rules allow, in one
          // name; then marks they reject: '/' breaks POSIX object names,
          // '\\' Windows ones, ':' Windows lock file names.
          const std::string allowed =
              context.PhysicalName("special.chars_under-score.1");
          if (absl::Status used = CreateUseAndClose(allowed, context.log());
              !used.ok()) {
            return used;
          }
          std::vector<std::string> accepted;
          for (const std::string& bad :
               {"slash/inside", "back\\slash", "with space", "colon:name"}) {
            const std::string name = context.PhysicalName(bad);
            try {
              Reader reader(name, kProbeConfig);
              accepted.push_back(name);
            } catch (const InvalidBufferNameException&) {
            }
          }
          if (!accepted.empty()) {
            return Failed(
                absl::StrCat("names outside the portable rules were accepted: ",
                             absl::StrJoin(accepted, ", ")));
          }
          context.log().Info(
              "Names with . _ - work; / \\ space : are rejected up front");
          return absl::OkStatus();
        });

// Harmony's shutdown needs "the 'x' process shutdown"; this one reaches
// the step server, which closes its buffers and keeps running.
ZB_STEP(kWhen, "gracefully shutdown", [](StepContext& context) -> absl::Status {
  Endpoints& endpoints = context.State<Endpoints>();
  if (endpoints.has_writer()) endpoints.writer().close();
  endpoints.reader().close();
  context.log().Info(absl::StrCat("Closed buffer ", endpoints.reader().name()));
  return absl::OkStatus();
});

ZB_STEP(kThen, "verify proper cleanup in '([^']*)'",
        [](StepContext& context, const std::string& directory) -> absl::Status {
          const std::string& name = context.State<Endpoints>().reader().name();
          const std::string segment = FilePathOf(ObjectsOf(name).front());
          if (!absl::StartsWith(segment, directory)) {
            return Failed(absl::StrCat("the segment would live at ", segment,
                                       ", not under ", directory));
          }
          return ExpectNothingNaming(name, "After shutdown");
        });

// 8.2: Windows named objects

absl::Status WindowsOnly(const std::string& check) {
  return Failed(absl::StrCat(
      "'", check, "' inspects Windows kernel objects: not applicable on ",
      HostPlatformName(), ", and this step server runs on POSIX systems only"));
}

ZB_STEP(kThen, "verify CreateFileMapping with proper naming",
        [](StepContext&) -> absl::Status {
          return WindowsOnly("verify CreateFileMapping with proper naming");
        });

ZB_STEP(kThen, "test Global vs Local namespace for different contexts",
        [](StepContext&) -> absl::Status {
          return WindowsOnly(
              "test Global vs Local namespace for different contexts");
        });

ZB_STEP(kThen, "verify semaphore limits and max count",
        [](StepContext&) -> absl::Status {
          return WindowsOnly("verify semaphore limits and max count");
        });

ZB_STEP(kWhen, "test across different user sessions",
        [](StepContext&) -> absl::Status {
          return WindowsOnly("test across different user sessions");
        });

ZB_STEP(kThen, "verify proper isolation or sharing as expected",
        [](StepContext&) -> absl::Status {
          return WindowsOnly("verify proper isolation or sharing as expected");
        });

// 8.3: names both platforms accept

// Windows limits kernel object names to MAX_PATH characters, namespace
// prefix included; the longest object name a buffer has is its semaphore's.
constexpr size_t kWindowsMaxObjectName = 260;
constexpr char kWindowsGlobalPrefix[] = "Global\\";

std::string LongestWindowsObjectName(const std::string& name) {
  return kWindowsGlobalPrefix + BufferObjectNames::For(name).write_semaphore;
}

struct NameLengthState {
  bool tested = false;
  std::string longest;
  absl::Status longest_outcome;
  std::string too_long;
  std::optional<std::string> too_long_accepted;
};

ZB_STEP(kThen, "verify name contains only alphanumeric and dash",
        [](StepContext& context) -> absl::Status {
          const std::string& name = context.State<Endpoints>().reader().name();
          // <base>_<host pid>_<feature id>: the isolation suffix (step-catalog
          // 2.1) adds the underscores and digits.
          std::string base;
          if (!RE2::FullMatch(name, R"(([A-Za-z0-9-]+)_\d+_\d+)", &base) ||
              context.PhysicalName(base) != name) {
            return Failed(
                absl::StrCat("'", name,
                             "' is not <alphanumerics and dashes> followed by "
                             "this scenario's isolation suffix"));
          }
          context.log().Info(absl::StrCat("'", base, "' (as '", name,
                                          "') uses only [A-Za-z0-9-]"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "same name rules work on both platforms",
        [](StepContext& context) -> absl::Status {
          const std::string& name = context.State<Endpoints>().reader().name();
          if (absl::Status valid = ValidateBufferName(name); !valid.ok()) {
            return Failed(absl::StrCat(
                "'", name,
                "' breaks the portable name rules: ", valid.message()));
          }
          const std::string windows_name = LongestWindowsObjectName(name);
          if (windows_name.size() > kWindowsMaxObjectName) {
            return Failed(absl::StrCat(
                "'", windows_name, "' has ", windows_name.size(),
                " characters; Windows allows ", kWindowsMaxObjectName));
          }
          // And here, the objects exist under exactly that name.
          return ExpectAllObjects(name, "While the reader is open");
        });

ZB_STEP(kWhen, "test maximum name length",
        [](StepContext& context) -> absl::Status {
          NameLengthState& state = context.State<NameLengthState>();
          const std::string stem = "test-name-compat-123-max";
          const size_t suffix = context.PhysicalName(stem).size() - stem.size();
          if (suffix >= kMaxBufferNameLength) {
            return Failed(absl::StrCat("the isolation suffix alone has ",
                                       suffix, " characters"));
          }
          std::string base = stem;
          base.resize(kMaxBufferNameLength - suffix, 'x');
          state.tested = true;
          state.longest = context.PhysicalName(base);
          state.longest_outcome =
              CreateUseAndClose(state.longest, context.log());
          state.too_long = context.PhysicalName(base + "x");
          try {
            Reader reader(state.too_long, kProbeConfig);
            state.too_long_accepted = "accepted";
          } catch (const InvalidBufferNameException&) {
          } catch (const ZeroBufferException& error) {
            state.too_long_accepted =
                absl::StrCat("failed with ", ErrorCodeName(error.code()),
                             " instead of InvalidBufferName: ", error.what());
          }
          context.log().Info(absl::StrCat(
              "Longest name: ", state.longest.size(), " characters (",
              state.longest_outcome.ok() ? "works" : "fails", "); ",
              state.too_long.size(),
              " characters: ", state.too_long_accepted.value_or("rejected")));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "both platforms should handle it correctly",
        [](StepContext& context) -> absl::Status {
          const NameLengthState& state = context.State<NameLengthState>();
          if (!state.tested) return Failed("no name length was tested");
          if (!state.longest_outcome.ok()) {
            return Failed(absl::StrCat("the longest allowed name (",
                                       state.longest.size(),
                                       " characters) does not work: ",
                                       state.longest_outcome.message()));
          }
          if (state.too_long_accepted.has_value()) {
            return Failed(absl::StrCat(
                "a name of ", state.too_long.size(),
                " characters was not rejected: ", *state.too_long_accepted));
          }
          if (absl::Status none =
                  ExpectNoObjects(state.too_long, "After rejecting it");
              !none.ok()) {
            return none;
          }
          const std::string windows_name =
              LongestWindowsObjectName(state.longest);
          if (windows_name.size() > kWindowsMaxObjectName) {
            return Failed(absl::StrCat(
                "the longest name accepted makes a Windows object name of ",
                windows_name.size(), " characters, over Windows' ",
                kWindowsMaxObjectName));
          }
          return absl::OkStatus();
        });

// 8.4: resources of a crashed reader
//
// What a reader that crashed leaves: unheld lock files, a segment whose
// OIEB names a dead reader, semaphores with counts still on them. Any
// reader created anywhere on the machine removes stale resources first, so
// the lock files are held (through a second name of the same file) until
// the moment the scenario's reader is created: only then do they become
// stale, and no other process's cleanup can take them first.

// The orphans differ from what a new reader creates, so their replacement
// shows: another payload size, semaphores with counts on them.
const BufferConfig kOrphanConfig(256, 64 << 10);
constexpr uint32_t kOrphanFramesSignalled = 3;
constexpr uint32_t kOrphanSpaceSignalled = 5;
constexpr char kStagingSuffix[] = ".staging";

struct StaleResourcesState {
  std::vector<std::string> lock_files;
  // Held until the reader is created; their files are the lock files'
  // second names.
  std::vector<platform::FileLock> staged_locks;
  platform::ProcessId dead_reader = 0;
  std::vector<std::string> present_before;
};

// The PID of a process that is gone: a copy of this program, killed as it
// starts, as a crash would end it.
platform::ProcessId DeadProcessId() {
  absl::StatusOr<std::string> executable = platform::CurrentExecutablePath();
  if (!executable.ok()) {
    throw StepFailure(absl::StrCat("cannot find this program: ",
                                   executable.status().ToString()));
  }
  platform::SubprocessOptions options;
  options.argv = {*executable, "--version"};
  // Standard output is the JSON-RPC channel: keep the child off it.
  options.pipe_stdin = options.pipe_stdout = options.pipe_stderr = true;
  absl::StatusOr<platform::Subprocess> child =
      platform::Subprocess::Spawn(options);
  if (!child.ok()) {
    throw StepFailure(
        absl::StrCat("cannot start a process: ", child.status().ToString()));
  }
  child->KillAbruptly();
  child->Wait();
  return child->pid();
}

ZB_STEP(kGiven, "manually create stale lock file for '([^']*)'",
        [](StepContext& context, const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          StaleResourcesState& state = context.State<StaleResourcesState>();
          const std::vector<std::string> directories = LockDirectories();
          const std::vector<std::string> paths = LockFilePaths(name);
          for (size_t i = 0; i < paths.size(); ++i) {
            if (platform::FileExists(paths[i])) {
              return Failed(absl::StrCat(paths[i], " exists already"));
            }
            if (absl::Status made = platform::EnsureDirectory(directories[i]);
                !made.ok()) {
              return Failed(made.ToString());
            }
            const std::string staging = paths[i] + kStagingSuffix;
            absl::StatusOr<platform::FileLock> lock =
                platform::FileLock::Acquire(staging);
            if (!lock.ok()) return Failed(lock.status().ToString());
            std::error_code error;
            std::filesystem::create_hard_link(staging, paths[i], error);
            if (error) {
              return Failed(absl::StrCat("cannot link ", paths[i], ": ",
                                         error.message()));
            }
            state.staged_locks.push_back(*std::move(lock));
            state.lock_files.push_back(paths[i]);
          }
          context.log().Info(
              absl::StrCat("Lock files ", absl::StrJoin(state.lock_files, ", "),
                           " stay held until the reader is created"));
          return absl::OkStatus();
        });

ZB_STEP(kGiven, "create orphaned shared memory for '([^']*)'",
        [](StepContext& context, const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          StaleResourcesState& state = context.State<StaleResourcesState>();
          state.dead_reader = DeadProcessId();
          const SegmentLayout layout{AlignToBlock(kOrphanConfig.metadata_size),
                                     AlignToBlock(kOrphanConfig.payload_size)};
          absl::StatusOr<platform::SharedMemory> segment =
              platform::SharedMemory::CreateExclusive(name,
                                                      layout.total_size());
          if (!segment.ok()) return Failed(segment.status().ToString());
          // The OIEB a reader writes at creation, naming the dead process
          // as its reader.
          OiebView(segment->data()).Initialize(layout, state.dead_reader);
          context.log().Info(absl::StrCat(
              "Left segment '", name, "' (", layout.total_size(),
              " bytes) owned by dead process ", state.dead_reader));
          return absl::OkStatus();
        });

ZB_STEP(kGiven, "create orphaned semaphores for '([^']*)'",
        [](StepContext& context, const std::string& buffer) -> absl::Status {
          const BufferObjectNames names =
              BufferObjectNames::For(context.PhysicalName(buffer));
          for (const auto& [semaphore, count] :
               {std::pair{names.write_semaphore, kOrphanFramesSignalled},
                std::pair{names.read_semaphore, kOrphanSpaceSignalled}}) {
            absl::StatusOr<platform::NamedSemaphore> created =
                platform::NamedSemaphore::CreateExclusive(semaphore, count);
            if (!created.ok()) return Failed(created.status().ToString());
          }
          context.log().Info(absl::StrCat(
              "Left ", names.write_semaphore, " at ", kOrphanFramesSignalled,
              " and ", names.read_semaphore, " at ", kOrphanSpaceSignalled));
          return absl::OkStatus();
        });

ZB_STEP(kWhen, "the '([^']*)' process attempts to create buffer '([^']*)'",
        [](StepContext& context, const std::string&,
           const std::string& buffer) -> absl::Status {
          const std::string name = context.PhysicalName(buffer);
          StaleResourcesState& state = context.State<StaleResourcesState>();
          state.present_before = ExistingObjects(name);
          // The owner of the lock files goes away, like a crashed reader's.
          state.staged_locks.clear();
          Attempt(context, [&] {
            context.State<Endpoints>().CreateReader(name, BufferConfig());
          });
          return absl::OkStatus();
        });

Reader& CreatedReaderOrFail(StepContext& context) {
  const CapturedError& captured = context.State<CapturedError>();
  if (!captured.attempted) throw StepFailure("no creation was attempted");
  if (captured.failed()) {
    throw StepFailure(absl::StrCat("the creation failed: ", *captured.message));
  }
  return context.State<Endpoints>().reader();
}

ZB_STEP(kThen, "the stale resources should be detected",
        [](StepContext& context) -> absl::Status {
          const Reader& reader = CreatedReaderOrFail(context);
          const StaleResourcesState& state =
              context.State<StaleResourcesState>();
          const size_t expected = ObjectsOf(reader.name()).size();
          if (state.present_before.size() != expected) {
            return Failed(
                absl::StrCat("only ", state.present_before.size(), " of ",
                             expected, " stale objects were there to detect: ",
                             absl::StrJoin(state.present_before, ", ")));
          }
          const StaleCleanupReport& report = reader.stale_cleanup_report();
          const std::vector<std::string> missed =
              UnreportedRemovals(report, state.lock_files, reader.name());
          if (!missed.empty()) {
            return Failed(
                absl::StrCat("the reader's stale cleanup did not report ",
                             absl::StrJoin(missed, ", "), " (it ",
                             DescribeRemovals(report), ")"));
          }
          context.log().Info(absl::StrCat(
              "The reader found and removed ", report.removed_lock_files.size(),
              " stale lock files and ", report.removed_buffers.size(),
              " abandoned buffers"));
          return absl::OkStatus();
        });

ZB_STEP(
    kThen, "the old resources should be cleaned up",
    [](StepContext& context) -> absl::Status {
      const Reader& reader = CreatedReaderOrFail(context);
      const StaleResourcesState& state = context.State<StaleResourcesState>();
      std::vector<std::string> old;
      const OIEB oieb = reader.oieb_snapshot();
      if (oieb.reader_pid != platform::CurrentProcessId()) {
        old.push_back(absl::StrCat("the OIEB names reader ", oieb.reader_pid,
                                   " (dead reader ", state.dead_reader, ")"));
      }
      if (oieb.payload_size != AlignToBlock(BufferConfig().payload_size)) {
        old.push_back(absl::StrCat("the payload is ", oieb.payload_size,
                                   " bytes, the orphan's size"));
      }
      const SegmentAccess segment(reader.name());
      if (segment.FramesSignalled().value_or(0) != 0 ||
          segment.SpaceSignalled().value_or(0) != 0) {
        old.push_back(absl::StrCat(
            "the semaphores count ", segment.FramesSignalled().value_or(-1),
            " and ", segment.SpaceSignalled().value_or(-1),
            " (the orphans had ", kOrphanFramesSignalled, " and ",
            kOrphanSpaceSignalled, ")"));
      }
      for (const std::string& lock : state.lock_files) {
        const absl::StatusOr<bool> held = platform::FileLock::IsHeld(lock);
        if (!held.ok() || !*held) {
          old.push_back(absl::StrCat(lock, " is not held by the new reader"));
        }
        if (platform::FileExists(lock + kStagingSuffix)) {
          old.push_back(absl::StrCat(lock, kStagingSuffix, " remains"));
        }
      }
      if (!old.empty()) {
        return Failed(
            absl::StrCat("old resources remain: ", absl::StrJoin(old, "; ")));
      }
      return absl::OkStatus();
    });

ZB_STEP(kThen, "the new buffer should be created successfully",
        [](StepContext& context) -> absl::Status {
          Reader& reader = CreatedReaderOrFail(context);
          if (absl::Status files =
                  ExpectAllObjects(reader.name(), "After creation");
              !files.ok()) {
            return files;
          }
          Writer writer(reader.name());
          const std::string text = "after stale cleanup";
          writer.write_frame(text.data(), text.size());
          Frame frame = reader.read_frame(milliseconds(5000));
          if (!frame.valid()) {
            return Failed(absl::StrCat(
                "the ", text.size(),
                "-byte frame written to the new buffer did not arrive within "
                "5000 ms"));
          }
          const std::string received(static_cast<const char*>(frame.data()),
                                     frame.size());
          if (received != text) {
            return Failed(absl::StrCat(
                "frame ", frame.sequence(), " of the new buffer has ",
                frame.size(), " bytes '", received, "', not the ", text.size(),
                " bytes '", text, "' written"));
          }
          context.log().Info("The new buffer carries frames");
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps
