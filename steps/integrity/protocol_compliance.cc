// Steps of feature 12 (protocol compliance): OIEB bookkeeping per write and
// read, block and field alignment, lock-file semantics across a reader's
// death, and the names of a buffer's semaphores. Every check reads the
// shared memory, semaphores or lock files themselves. Sentences and routing:
// step-catalog section 3, feature 12.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "platform/file_lock.h"
#include "platform/paths.h"
#include "platform/process.h"
#include "platform/semaphore.h"
#include "steps/context.h"
#include "steps/integrity/integrity_support.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "steps/support/stale_report.h"
#include "steps/support/step_tables.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using integrity::DescribePatternMismatch;
using integrity::kReadTimeout;

ZB_STEP(kGiven, "we are in DEBUG mode for protocol compliance tests",
        [](StepContext& context) -> absl::Status {
          // Nothing to switch on: these steps read the OIEB, frame headers,
          // semaphores and lock files directly, in every build.
          context.log().Info(
              "Protocol checks read shared memory directly; no debug mode "
              "is needed");
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 12.1: the OIEB after every write and read.

// Sizes that leave headers at unaligned offsets, as real streams do.
const std::vector<size_t> kComplianceFrameSizes = {100, 1000, 37, 4096, 64, 1};

// The OIEB around one frame.
struct OiebObservation {
  uint64_t size = 0;
  OIEB before{};
  // After the write, or after the read (the frame still held).
  OIEB after{};
  // Reads only: after the frame's release.
  OIEB after_release{};
};

struct ComplianceObservations {
  std::vector<OiebObservation> writes;
  std::vector<OiebObservation> reads;
};

// One table row's check for one frame: nullopt, or what is wrong.
using ObservationCheck =
    std::function<std::optional<std::string>(const OiebObservation&)>;
using CheckTable =
    std::map<std::pair<std::string, std::string>, ObservationCheck>;

std::optional<std::string> Mismatch(const char* field, uint64_t actual,
                                    uint64_t expected) {
  if (actual == expected) return std::nullopt;
  return absl::StrCat(field, " is ", actual, ", expected ", expected);
}

uint64_t Advanced(uint64_t position, uint64_t size, uint64_t ring_size) {
  return (position + kFrameHeaderSize + size) % ring_size;
}

// The values the layout aligns to 64 bytes (protocol.md 3.1); frame
// positions are deliberately not aligned (3.5) and are checked by the
// "advances correctly" rows instead.
std::optional<std::string> BlocksAligned(const OIEB& oieb) {
  const std::vector<std::pair<const char*, uint64_t>> values = {
      {"oieb_size", oieb.oieb_size},
      {"metadata_size", oieb.metadata_size},
      {"payload_size", oieb.payload_size},
      {"payload block offset", kOiebSize + oieb.metadata_size}};
  for (const auto& [name, value] : values) {
    if (value % kBlockAlignment != 0) {
      return absl::StrCat(name, " ", value, " is not a multiple of 64");
    }
  }
  return std::nullopt;
}

const CheckTable& WriteChecks() {
  static const CheckTable* const checks = new CheckTable{
      {{"payload_written_count", "increments by 1"},
       [](const OiebObservation& o) {
         return Mismatch("payload_written_count", o.after.payload_written_count,
                         o.before.payload_written_count + 1);
       }},
      {{"payload_free_bytes", "decreases by frame size"},
       [](const OiebObservation& o) {
         return Mismatch(
             "payload_free_bytes", o.after.payload_free_bytes,
             o.before.payload_free_bytes - kFrameHeaderSize - o.size);
       }},
      {{"payload_write_pos", "advances correctly"},
       [](const OiebObservation& o) {
         return Mismatch("payload_write_pos", o.after.payload_write_pos,
                         Advanced(o.before.payload_write_pos, o.size,
                                  o.before.payload_size));
       }},
      {{"all values", "are 64-byte aligned"},
       [](const OiebObservation& o) { return BlocksAligned(o.after); }},
  };
  return *checks;
}

const CheckTable& ReadChecks() {
  static const CheckTable* const checks = new CheckTable{
      {{"payload_read_count", "increments by 1"},
       [](const OiebObservation& o) {
         return Mismatch("payload_read_count", o.after.payload_read_count,
                         o.before.payload_read_count + 1);
       }},
      // Reading credits nothing; the release gives the frame's bytes back
      // (protocol.md 7.1).
      {{"payload_free_bytes", "increases by frame size"},
       [](const OiebObservation& o) -> std::optional<std::string> {
         if (auto wrong = Mismatch("payload_free_bytes after the read",
                                   o.after.payload_free_bytes,
                                   o.before.payload_free_bytes)) {
           return wrong;
         }
         return Mismatch(
             "payload_free_bytes after the release",
             o.after_release.payload_free_bytes,
             o.before.payload_free_bytes + kFrameHeaderSize + o.size);
       }},
      {{"payload_read_pos", "advances correctly"},
       [](const OiebObservation& o) {
         return Mismatch("payload_read_pos", o.after.payload_read_pos,
                         Advanced(o.before.payload_read_pos, o.size,
                                  o.before.payload_size));
       }},
      {{"all values", "are 64-byte aligned"},
       [](const OiebObservation& o) { return BlocksAligned(o.after); }},
  };
  return *checks;
}

const StepTable kWriteTable = {
    {"field", "condition"},
    {"payload_written_count", "increments by 1"},
    {"payload_free_bytes", "decreases by frame size"},
    {"payload_write_pos", "advances correctly"},
    {"all values", "are 64-byte aligned"},
};

const StepTable kReadTable = {
    {"field", "condition"},
    {"payload_read_count", "increments by 1"},
    {"payload_free_bytes", "increases by frame size"},
    {"payload_read_pos", "advances correctly"},
};

absl::Status VerifyObservations(StepContext& context, const StepTable& written,
                                const CheckTable& checks,
                                const std::vector<OiebObservation>& seen,
                                const std::string& what) {
  if (seen.empty()) return Failed(absl::StrCat("no ", what, "s were observed"));
  std::vector<std::string> problems;
  const auto rows =
      TableRows(TableOrWritten(context, written), {"field", "condition"});
  for (const auto& row : rows) {
    const auto check = checks.find({row.at("field"), row.at("condition")});
    if (check == checks.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("no check for '", row.at("field"), "' ",
                       row.at("condition"), " after a ", what));
    }
    for (size_t i = 0; i < seen.size(); ++i) {
      if (std::optional<std::string> wrong = check->second(seen[i])) {
        problems.push_back(absl::StrCat(what, " ", i + 1, " (", seen[i].size,
                                        " bytes): ", *wrong));
      }
    }
  }
  if (!problems.empty()) return Failed(absl::StrJoin(problems, "; "));
  context.log().Info(absl::StrCat("All ", rows.size(), " conditions hold for ",
                                  seen.size(), " ", what, "s"));
  return absl::OkStatus();
}

ZB_STEP(kWhen, "performs multiple write operations",
        [](StepContext& context) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          std::vector<OiebObservation>& writes =
              context.State<ComplianceObservations>().writes;
          writes.clear();
          for (const size_t size : kComplianceFrameSizes) {
            OiebObservation& seen = writes.emplace_back();
            seen.size = size;
            seen.before = writer.oieb_snapshot();
            writer.write_frame(MakePattern(size, writer.frames_written() + 1));
            seen.after = writer.oieb_snapshot();
          }
          context.log().Info(absl::StrCat(
              "Wrote frames of ", absl::StrJoin(kComplianceFrameSizes, ", "),
              " bytes, with the OIEB before and after each"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should verify after each write:",
        [](StepContext& context, const std::string&) -> absl::Status {
          return VerifyObservations(
              context, kWriteTable, WriteChecks(),
              context.State<ComplianceObservations>().writes, "write");
        });

ZB_STEP(
    kWhen, "the '([^']*)' process performs multiple read operations",
    [](StepContext& context, const std::string&) -> absl::Status {
      Reader& reader = context.State<Endpoints>().reader();
      std::vector<OiebObservation>& reads =
          context.State<ComplianceObservations>().reads;
      reads.clear();
      // Everything the writer has written, one frame at a time.
      while (true) {
        const OIEB before = reader.oieb_snapshot();
        if (before.payload_read_count >= before.payload_written_count) break;
        Frame frame = reader.read_frame(kReadTimeout);
        if (!frame.valid()) {
          return Failed(absl::StrCat("frame ", reads.size() + 1,
                                     " did not arrive within ",
                                     kReadTimeout.count(), " ms"));
        }
        if (std::optional<std::string> mismatch = DescribePatternMismatch(
                frame.span(), frame.sequence(),
                absl::StrCat("frame ", frame.sequence()))) {
          return Failed(*mismatch);
        }
        OiebObservation& seen = reads.emplace_back();
        seen.size = frame.size();
        seen.before = before;
        seen.after = reader.oieb_snapshot();
        frame.release();
        seen.after_release = reader.oieb_snapshot();
      }
      if (reads.empty()) return Failed("the writer has written no frames");
      context.log().Info(absl::StrCat(
          "Read and released ", reads.size(),
          " frames, with the OIEB before, after reading and after release"));
      return absl::OkStatus();
    });

ZB_STEP(kThen, "the '([^']*)' process should verify after each read:",
        [](StepContext& context, const std::string&) -> absl::Status {
          return VerifyObservations(
              context, kReadTable, ReadChecks(),
              context.State<ComplianceObservations>().reads, "read");
        });

// ---------------------------------------------------------------------------
// 12.2: alignment of blocks, fields and frames.

uintptr_t Address(const std::byte* at) {
  return reinterpret_cast<uintptr_t>(at);
}

ZB_STEP(kThen,
        "the '([^']*)' process should verify OIEB starts at 64-byte aligned "
        "address",
        [](StepContext& context, const std::string&) -> absl::Status {
          // A mapping of the reader's segment in this process: the OS maps
          // segments at page boundaries in every process alike.
          SegmentAccess segment(context.State<Endpoints>().reader().name());
          const uintptr_t base = Address(segment.data());
          if (base % kBlockAlignment != 0) {
            return Failed(absl::StrCat("the segment is mapped at 0x",
                                       absl::Hex(base),
                                       ", not a multiple of 64"));
          }
          const OIEB oieb = segment.Snapshot();
          if (oieb.oieb_size != kOiebSize || oieb.version.major != 1) {
            return Failed(absl::StrCat(
                "offset 0 holds no v1 OIEB (oieb_size ", oieb.oieb_size,
                ", major version ", static_cast<int>(oieb.version.major), ")"));
          }
          context.log().Info(absl::StrCat("The OIEB (", kOiebSize,
                                          " bytes, v1) starts the segment at "
                                          "0x",
                                          absl::Hex(base)));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "should verify metadata block starts at 64-byte aligned offset",
        [](StepContext& context) -> absl::Status {
          SegmentAccess segment(context.State<Endpoints>().reader().name());
          const OIEB oieb = segment.Snapshot();
          const SegmentLayout layout{oieb.metadata_size, oieb.payload_size};
          // The segment is exactly OIEB + metadata + ring (protocol.md 3.1).
          if (segment.size() != layout.total_size()) {
            return Failed(absl::StrCat(
                "the segment has ", segment.size(), " bytes; OIEB ", kOiebSize,
                " + metadata ", oieb.metadata_size, " + ring ",
                oieb.payload_size, " = ", layout.total_size()));
          }
          const uint64_t offset = layout.metadata_offset();
          if (offset != oieb.oieb_size || offset % kBlockAlignment != 0 ||
              oieb.metadata_size % kBlockAlignment != 0 ||
              Address(segment.data() + offset) % kBlockAlignment != 0) {
            return Failed(absl::StrCat(
                "the metadata block (", oieb.metadata_size,
                " bytes) starts at offset ", offset, ", address 0x",
                absl::Hex(Address(segment.data() + offset))));
          }
          context.log().Info(absl::StrCat(
              "The metadata block starts at offset ", offset, " and holds ",
              oieb.metadata_size, " bytes (multiples of 64)"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "should verify payload block starts at 64-byte aligned offset",
        [](StepContext& context) -> absl::Status {
          SegmentAccess segment(context.State<Endpoints>().reader().name());
          const OIEB oieb = segment.Snapshot();
          const uint64_t offset = kOiebSize + oieb.metadata_size;
          const uint64_t located =
              static_cast<uint64_t>(segment.ring() - segment.data());
          if (located != offset || offset % kBlockAlignment != 0 ||
              oieb.payload_size % kBlockAlignment != 0 ||
              Address(segment.ring()) % kBlockAlignment != 0) {
            return Failed(absl::StrCat(
                "the ring (", oieb.payload_size, " bytes) starts at offset ",
                located, " (OIEB + metadata = ", offset, "), address 0x",
                absl::Hex(Address(segment.ring()))));
          }
          context.log().Info(absl::StrCat("The ring starts at offset ", offset,
                                          " and holds ", oieb.payload_size,
                                          " bytes (multiples of 64)"));
          return absl::OkStatus();
        });

// Sizes around the 8- and 64-byte boundaries: the headers that follow them
// land at every kind of offset.
const std::vector<size_t> kVariousFrameSizes = {1,  7,  15,  16,   17,  63,
                                                64, 65, 100, 1000, 4095};

struct WrittenFrame {
  uint64_t offset;  // of the header in the ring
  uint64_t size;
  uint64_t sequence;
};

struct VariousFrames {
  std::vector<WrittenFrame> frames;
};

ZB_STEP(kWhen, "writes various sized frames",
        [](StepContext& context) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          std::vector<WrittenFrame>& frames =
              context.State<VariousFrames>().frames;
          frames.clear();
          for (const size_t size : kVariousFrameSizes) {
            const uint64_t offset = writer.oieb_snapshot().payload_write_pos;
            const uint64_t sequence = writer.frames_written() + 1;
            writer.write_frame(MakePattern(size, sequence));
            frames.push_back({offset, size, sequence});
          }
          context.log().Info(
              absl::StrCat("Wrote frames of ",
                           absl::StrJoin(kVariousFrameSizes, ", "), " bytes"));
          return absl::OkStatus();
        });

ZB_STEP(
    kThen,
    "the '([^']*)' process should verify all data access respects alignment",
    [](StepContext& context, const std::string&) -> absl::Status {
      const std::vector<WrittenFrame>& frames =
          context.State<VariousFrames>().frames;
      if (frames.empty()) return Failed("no frames were written");
      SegmentAccess segment(context.State<Endpoints>().writer().name());
      // Every OIEB field is accessed atomically, which needs its natural
      // alignment in the real mapping (protocol.md 7.5).
      for (uint64_t offset = offsetof(OIEB, metadata_size);
           offset < offsetof(OIEB, reserved); offset += sizeof(uint64_t)) {
        if (Address(segment.data() + offset) % sizeof(uint64_t) != 0) {
          return Failed(absl::StrCat("the OIEB's 8-byte field at offset ",
                                     offset, " is not 8-byte aligned"));
        }
      }
      // Frames are packed with no padding, so headers land at any offset
      // and are read bytewise (protocol.md 3.5).
      int unaligned = 0;
      for (size_t i = 0; i < frames.size(); ++i) {
        const WrittenFrame& frame = frames[i];
        if (i > 0) {
          const WrittenFrame& previous = frames[i - 1];
          const uint64_t end =
              previous.offset + kFrameHeaderSize + previous.size;
          if (frame.offset != end) {
            return Failed(absl::StrCat("frame ", frame.sequence, " starts at ",
                                       frame.offset,
                                       ", its predecessor ends "
                                       "at ",
                                       end, ": frames must be packed"));
          }
        }
        const FrameHeader header = segment.HeaderAt(frame.offset);
        if (header.payload_size != frame.size ||
            header.sequence_number != frame.sequence) {
          return Failed(absl::StrCat("the header at ring offset ", frame.offset,
                                     " reads {", header.payload_size, ", ",
                                     header.sequence_number, "}, expected {",
                                     frame.size, ", ", frame.sequence, "}"));
        }
        if (std::optional<std::string> mismatch = DescribePatternMismatch(
                {segment.ring() + frame.offset + kFrameHeaderSize, frame.size},
                frame.sequence, absl::StrCat("frame ", frame.sequence))) {
          return Failed(*mismatch);
        }
        if (frame.offset % sizeof(uint64_t) != 0) ++unaligned;
      }
      if (unaligned == 0) {
        return Failed(
            "no header landed at an unaligned offset, so unaligned "
            "access went untested");
      }
      context.log().Info(absl::StrCat(
          "OIEB fields are 8-byte aligned; ", frames.size(),
          " frames are packed back to back, ", unaligned,
          " of their headers at offsets that are not multiples of 8, all "
          "intact"));
      return absl::OkStatus();
    });

// ---------------------------------------------------------------------------
// 12.3: lock files across a reader's death.

// The lock files of the reader this process holds.
std::vector<std::string> CurrentLockFiles(StepContext& context) {
  return LockFilePaths(context.State<Endpoints>().reader().name());
}

bool LockHeld(const std::string& path) {
  const absl::StatusOr<bool> held = platform::FileLock::IsHeld(path);
  if (!held.ok()) {
    throw StepFailure(absl::StrCat("cannot test the lock on ", path, ": ",
                                   held.status().message()));
  }
  return *held;
}

ZB_STEP(kThen, "verify lock file exists at correct location",
        [](StepContext& context) -> absl::Status {
          const std::string name = context.State<Endpoints>().reader().name();
          const std::vector<std::string> paths = LockFilePaths(name);
          // protocol.md 2.3: <dir>/<name>.lock in the C++/Python directory,
          // and in the C# one, which our readers hold too.
          const std::string primary = platform::JoinPath(
              platform::PrimaryLockDirectory(), name + kLockFileSuffix);
          if (paths.empty() || paths.front() != primary) {
            return Failed(absl::StrCat("the library's lock files (",
                                       absl::StrJoin(paths, ", "),
                                       ") do not start with ", primary));
          }
          for (const std::string& path : paths) {
            if (!platform::FileExists(path)) {
              return Failed(absl::StrCat("lock file ", path, " is missing"));
            }
          }
          context.log().Info(
              absl::StrCat("Lock files present: ", absl::StrJoin(paths, ", ")));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "verify lock file is actually locked",
        [](StepContext& context) -> absl::Status {
          for (const std::string& path : CurrentLockFiles(context)) {
            if (!LockHeld(path)) {
              return Failed(absl::StrCat("nobody holds the lock on ", path));
            }
          }
          context.log().Info("Every lock file is held (flock would fail)");
          return absl::OkStatus();
        });

// Between the reader's death and the new reader, any reader created on this
// machine runs the stale scan and may rightly remove the dead reader's lock
// file first (protocol.md 5.2), so feature 12 runs while no other test does
// (tests/features/BUILD.bazel).
ZB_STEP(kWhen, "kill reader process", [](StepContext& context) -> absl::Status {
  const std::string name = context.State<Endpoints>().reader().name();
  context.log().Info(
      absl::StrCat("This process dies by SIGKILL once this step has answered, "
                   "leaving the lock files, segment and semaphores of ",
                   name, " behind; later steps meet a fresh process"));
  context.RequestAbruptDeath();
  return absl::OkStatus();
});

// Runs in the fresh process, which remembers nothing of the dead reader:
// the stale buffer is found the way a reader's stale cleanup finds it, as a
// lock file nobody holds, among this scenario's names. The new reader's own
// stale scan must remove it, with the dead reader's objects.
ZB_STEP(
    kThen, "new reader can acquire lock after detecting stale",
    [](StepContext& context) -> absl::Status {
      // The isolation suffix every name of this scenario carries.
      const std::string lock_suffix = kLockFileSuffix;
      const std::string suffix = context.PhysicalName("") + lock_suffix;
      const std::string directory = platform::PrimaryLockDirectory();
      const absl::StatusOr<std::vector<std::string>> files =
          platform::ListFiles(directory, suffix);
      if (!files.ok()) {
        return Failed(absl::StrCat("cannot list ", directory, ": ",
                                   files.status().message()));
      }
      std::vector<std::string> stale;
      for (const std::string& file : *files) {
        if (!LockHeld(platform::JoinPath(directory, file))) {
          stale.push_back(file.substr(0, file.size() - lock_suffix.size()));
        }
      }
      if (stale.size() != 1) {
        return Failed(absl::StrCat(
            "expected one lock file ending in ", suffix,
            " that nobody holds, found ", stale.size(), " (",
            absl::StrJoin(stale, ", "), ") among ", files->size(),
            "; another reader's stale cleanup may have removed it"));
      }
      const std::string name = stale.front();
      std::vector<std::string> stale_locks;
      for (const std::string& path : LockFilePaths(name)) {
        if (platform::FileExists(path) && !LockHeld(path)) {
          stale_locks.push_back(path);
        }
      }
      const OIEB dead = SegmentAccess(name).Snapshot();
      if (dead.reader_pid == 0 ||
          dead.reader_pid == platform::CurrentProcessId() ||
          platform::IsProcessAlive(dead.reader_pid)) {
        return Failed(absl::StrCat(
            "the OIEB of ", name, " names reader PID ", dead.reader_pid,
            ", which is ", dead.reader_pid == 0 ? "no process" : "still alive",
            " (this process is ", platform::CurrentProcessId(), ")"));
      }
      // The new reader takes the dead one's sizes.
      Reader& reader = context.State<Endpoints>().CreateReader(
          name, BufferConfig(dead.metadata_size, dead.payload_size));
      for (const std::string& path : LockFilePaths(name)) {
        if (!LockHeld(path)) {
          return Failed(absl::StrCat("the new reader does not hold ", path));
        }
      }
      const StaleCleanupReport& report = reader.stale_cleanup_report();
      const std::vector<std::string> missed =
          UnreportedRemovals(report, stale_locks, name);
      if (!missed.empty()) {
        return Failed(absl::StrCat(
            "the new reader of ", name, " did not report removing ",
            absl::StrJoin(missed, ", "), " of the dead reader (PID ",
            dead.reader_pid, "); its stale scan ", DescribeRemovals(report)));
      }
      context.log().Info(absl::StrCat(
          "The ", stale_locks.size(), " lock files of ", name,
          " were stale (reader PID ", dead.reader_pid,
          " gone); the new reader holds them now, and its stale scan ",
          DescribeRemovals(report)));
      return absl::OkStatus();
    });

ZB_STEP(kWhen, "graceful shutdown", [](StepContext& context) -> absl::Status {
  Reader& reader = context.State<Endpoints>().reader();
  reader.close();
  context.log().Info(absl::StrCat("Closed the reader of ", reader.name()));
  return absl::OkStatus();
});

ZB_STEP(kThen, "verify lock file is removed",
        [](StepContext& context) -> absl::Status {
          for (const std::string& path : CurrentLockFiles(context)) {
            if (platform::FileExists(path)) {
              return Failed(absl::StrCat("lock file ", path, " still exists"));
            }
          }
          context.log().Info("Every lock file of the buffer is gone");
          return absl::OkStatus();
        });

// ---------------------------------------------------------------------------
// 12.4 (never run by Harmony): semaphore names.

const StepTable kNamesTable = {
    {"buffer_name", "description"},
    {"550e8400-e29b-41d4-a716-446655440000", "UUID format"},
    {"test_buffer-123", "alphanumeric with special chars"},
    {"very_long_buffer_name_that_tests_maximum_length_limits", "max length"},
};

// Small: only the names matter.
const BufferConfig kNamingConfig(0, 4096);

// The longest file name Linux allows (NAME_MAX) and the longest kernel
// object name Windows allows (MAX_PATH).
constexpr size_t kLinuxNameMax = 255;
constexpr size_t kWindowsNameMax = 260;

struct NamedBuffers {
  std::vector<std::unique_ptr<Reader>> readers;
};

ZB_STEP(kGiven, "create buffers with various names:",
        [](StepContext& context) -> absl::Status {
          NamedBuffers& buffers = context.State<NamedBuffers>();
          buffers.readers.clear();
          for (const auto& row : TableRows(TableOrWritten(context, kNamesTable),
                                           {"buffer_name"})) {
            const std::string name =
                context.PhysicalName(row.at("buffer_name"));
            buffers.readers.push_back(
                std::make_unique<Reader>(name, kNamingConfig));
            context.log().Info(absl::StrCat("Created buffer ", name));
          }
          return absl::OkStatus();
        });

const std::vector<std::unique_ptr<Reader>>& CreatedBuffers(
    StepContext& context) {
  const auto& readers = context.State<NamedBuffers>().readers;
  if (readers.empty()) throw StepFailure("no buffers were created");
  return readers;
}

ZB_STEP(kThen, "verify semaphores created as '([^']*)' and '([^']*)'",
        [](StepContext& context, const std::string& write_template,
           const std::string& read_template) -> absl::Status {
          for (const auto& reader : CreatedBuffers(context)) {
            const std::string& name = reader->name();
            const BufferObjectNames names = BufferObjectNames::For(name);
            const std::vector<std::pair<std::string, std::string>> expected = {
                {absl::StrReplaceAll(write_template, {{"{name}", name}}),
                 names.write_semaphore},
                {absl::StrReplaceAll(read_template, {{"{name}", name}}),
                 names.read_semaphore}};
            for (const auto& [wanted, used] : expected) {
              if (wanted != used) {
                return Failed(absl::StrCat("buffer ", name, " uses semaphore ",
                                           used, ", the convention says ",
                                           wanted));
              }
              if (!platform::NamedSemaphore::Open(wanted).ok()) {
                return Failed(absl::StrCat("semaphore ", wanted, " of buffer ",
                                           name, " does not exist"));
              }
            }
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "verify both Linux and Windows naming rules respected",
        [](StepContext& context) -> absl::Status {
          for (const auto& reader : CreatedBuffers(context)) {
            const std::string& name = reader->name();
            const BufferObjectNames names = BufferObjectNames::For(name);
            // Linux: /dev/shm/<segment> and /dev/shm/sem.<semaphore> are file
            // names. Windows: kernel object names, where '\' separates
            // namespaces.
            for (const std::string& object :
                 {names.segment, "sem." + names.write_semaphore,
                  "sem." + names.read_semaphore}) {
              if (object.size() > kLinuxNameMax ||
                  absl::StrContains(object, "/")) {
                return Failed(absl::StrCat("'", object,
                                           "' is not a valid Linux file name"));
              }
              if (object.size() > kWindowsNameMax ||
                  absl::StrContains(object, "\\")) {
                return Failed(absl::StrCat(
                    "'", object, "' is not a valid Windows object name"));
              }
            }
            if (const absl::Status valid = ValidateBufferName(name);
                !valid.ok()) {
              return Failed(std::string(valid.message()));
            }
          }
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps
