// Steps of feature 07 (system resources): a record spread over many cache
// lines must reach the reader whole (7.3), frames from 1 byte to 10 MiB
// must arrive byte for byte (7.4), and a buffer whose semaphore cannot be
// created must leave nothing behind (7.1, never run by Harmony).
// Sentences and semantics: step-catalog section 3.

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/buffer_objects.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/segment_access.h"
#include "zerobuffer/names.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kReadTimeout{5000};

// 7.3: a multi-field record
//
// u64 words: a magic, the field count, the fields, then a checksum of
// everything before it. 512 fields put it across 65 cache lines, so a
// publication that let the reader see the frame before all of its stores
// would show as wrong fields or a wrong checksum.
constexpr uint64_t kRecordMagic = 0x0033'2E37'2D42'5A00;  // "\0ZB-7.3\0"
constexpr uint64_t kRecordFields = 512;
constexpr size_t kRecordWords = 2 + kRecordFields + 1;
constexpr size_t kRecordBytes = kRecordWords * sizeof(uint64_t);

constexpr uint64_t FieldValue(uint64_t index) {
  // Distinct, non-zero and different in every byte from its neighbours.
  return (index + 1) * 0x9E37'79B9'7F4A'7C15;
}

uint64_t Checksum(std::span<const uint64_t> words) {
  uint64_t hash = 0xCBF2'9CE4'8422'2325;  // FNV-1a over the words
  for (const uint64_t word : words) {
    hash = (hash ^ word) * 0x0000'0100'0000'01B3;
  }
  return hash;
}

struct RecordReadState {
  bool read = false;
  uint64_t sequence = 0;
  size_t size = 0;
  std::vector<uint64_t> words;
  std::optional<int> signals_before_read;
};

ZB_STEP(kWhen,
        "the '([^']*)' process writes complex structure with multiple fields",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          // Filled in place: only commit_frame publishes the stores.
          uint64_t sequence = 0;
          const std::span<std::byte> frame =
              writer.get_frame_buffer(kRecordBytes, sequence);
          std::vector<uint64_t> words(kRecordWords);
          words[0] = kRecordMagic;
          words[1] = kRecordFields;
          for (uint64_t i = 0; i < kRecordFields; ++i) {
            words[2 + i] = FieldValue(i);
          }
          words.back() = Checksum(std::span(words).first(kRecordWords - 1));
          std::memcpy(frame.data(), words.data(), kRecordBytes);
          writer.commit_frame();
          context.log().Info(absl::StrCat("Wrote a record of ", kRecordFields,
                                          " fields (", kRecordBytes,
                                          " bytes) as frame ", sequence));
          return absl::OkStatus();
        });

// The library publishes a frame by updating the OIEB with release stores
// and then posting sem-w; the reader acquires after the semaphore. What a
// step can check is that the commit is complete on both counts.
ZB_STEP(kWhen, "the system ensures memory barriers are in place",
        [](StepContext& context) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          const OIEB oieb = writer.oieb_snapshot();
          if (oieb.payload_written_count < writer.frames_written()) {
            return Failed(
                absl::StrCat("the OIEB counts ", oieb.payload_written_count,
                             " frames written but this writer committed ",
                             writer.frames_written()));
          }
          const uint64_t unread =
              oieb.payload_written_count - oieb.payload_read_count;
          const std::optional<int> signalled =
              SegmentAccess(writer.name()).FramesSignalled();
          if (signalled.has_value() &&
              static_cast<uint64_t>(*signalled) != unread) {
            return Failed(absl::StrCat(
                "sem-w holds ", *signalled, " signals for ", unread,
                " unread frames: a published frame was not signalled, or a "
                "signal went out for a frame not yet published"));
          }
          context.log().Info(absl::StrCat(
              "Published: ", oieb.payload_written_count,
              " frames in the OIEB, ", unread, " unread, sem-w at ",
              signalled.has_value() ? absl::StrCat(*signalled) : "n/a"));
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process should read structure after semaphore signal",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          RecordReadState& state = context.State<RecordReadState>();
          state.signals_before_read =
              SegmentAccess(reader.name()).FramesSignalled();
          Frame frame = reader.read_frame(kReadTimeout);
          if (!frame.valid()) {
            return Failed(absl::StrCat("no record arrived within ",
                                       kReadTimeout.count(), " ms"));
          }
          if (state.signals_before_read == 0) {
            return Failed(absl::StrCat(
                "frame ", frame.sequence(), " (", frame.size(),
                " bytes) was readable while sem-w counted 0 signals"));
          }
          state.read = true;
          state.sequence = frame.sequence();
          state.size = frame.size();
          state.words.assign(frame.size() / sizeof(uint64_t), 0);
          std::memcpy(state.words.data(), frame.data(),
                      state.words.size() * sizeof(uint64_t));
          context.log().Info(absl::StrCat("Read frame ", frame.sequence(),
                                          " of ", frame.size(), " bytes"));
          return absl::OkStatus();
        });

const RecordReadState& RecordOrFail(StepContext& context) {
  const RecordReadState& state = context.State<RecordReadState>();
  if (!state.read) throw StepFailure("no record has been read");
  if (state.size != kRecordBytes) {
    throw StepFailure(absl::StrCat("the record frame has ", state.size,
                                   " bytes, expected ", kRecordBytes));
  }
  return state;
}

ZB_STEP(kThen, "all fields should be fully visible",
        [](StepContext& context) -> absl::Status {
          const std::vector<uint64_t>& words = RecordOrFail(context).words;
          if (words[0] != kRecordMagic || words[1] != kRecordFields) {
            return Failed(absl::StrCat("record header is magic ", words[0],
                                       " / count ", words[1], ", expected ",
                                       kRecordMagic, " / ", kRecordFields));
          }
          std::vector<std::string> wrong;
          for (uint64_t i = 0; i < kRecordFields; ++i) {
            if (words[2 + i] != FieldValue(i)) {
              wrong.push_back(absl::StrCat("field ", i, " = ", words[2 + i],
                                           " (expected ", FieldValue(i), ")"));
            }
          }
          if (!wrong.empty()) {
            return Failed(absl::StrCat(
                wrong.size(), " of ", kRecordFields,
                " fields are wrong: ", absl::StrJoin(wrong, "; ")));
          }
          context.log().Info(
              absl::StrCat("All ", kRecordFields, " fields have their values"));
          return absl::OkStatus();
        });

ZB_STEP(kThen, "no partially visible writes should occur",
        [](StepContext& context) -> absl::Status {
          const std::vector<uint64_t>& words = RecordOrFail(context).words;
          const uint64_t expected =
              Checksum(std::span(words).first(kRecordWords - 1));
          if (words.back() != expected) {
            return Failed(absl::StrCat("the record's checksum is ",
                                       words.back(),
                                       " but its content sums to ", expected));
          }
          return absl::OkStatus();
        });

// 7.4: byte-exact frames of every size

// The frames 7.4 writes, in order: the reading side checks that exactly
// these arrived, so a frame lost, duplicated or reordered fails the
// scenario as surely as a wrong byte.
constexpr std::array<size_t, 4> kPatternFrameSizes = {1, 1 << 10, 1 << 20,
                                                      10 << 20};

struct PatternWriteState {
  std::vector<size_t> sizes;
};

struct PatternCheckState {
  std::vector<std::string> frames_checked;  // "frame 3: 1048576 bytes"
  std::vector<size_t> sizes;
  std::vector<uint64_t> sequences;
  std::vector<std::string> mismatches;
};

ZB_STEP(kWhen,
        "the '([^']*)' process writes frame with size '(\\d+)' using "
        "incrementing pattern",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          // byte[i] = i % 256, the pattern of sequence 0 (step-catalog 2.2).
          writer.write_frame(MakePattern(size, 0));
          std::vector<size_t>& sizes = context.State<PatternWriteState>().sizes;
          sizes.push_back(size);
          context.log().Info(absl::StrCat(
              "Wrote frame ", writer.frames_written(), " of ", size,
              " bytes; sizes written so far: ", absl::StrJoin(sizes, ", ")));
          return absl::OkStatus();
        });

// OK when the frames checked are exactly kPatternFrameSizes with contiguous
// sequence numbers.
absl::Status ExpectPatternFrames(const PatternCheckState& state) {
  const std::vector<size_t> expected(kPatternFrameSizes.begin(),
                                     kPatternFrameSizes.end());
  if (state.sizes != expected) {
    return Failed(absl::StrCat(
        state.sizes.size(), " frames of [", absl::StrJoin(state.sizes, ", "),
        "] bytes arrived, expected ", expected.size(), " of [",
        absl::StrJoin(expected, ", "), "] bytes in that order"));
  }
  for (size_t i = 1; i < state.sequences.size(); ++i) {
    if (state.sequences[i] != state.sequences[i - 1] + 1) {
      return Failed(absl::StrCat("the frames arrived with sequence numbers [",
                                 absl::StrJoin(state.sequences, ", "),
                                 "], not one after another"));
    }
  }
  return absl::OkStatus();
}

ZB_STEP(
    kThen,
    "the '([^']*)' process should validate each byte matches expected "
    "pattern",
    [](StepContext& context, const std::string&) -> absl::Status {
      Reader& reader = context.State<Endpoints>().reader();
      PatternCheckState& state = context.State<PatternCheckState>();
      // Everything the writer has published, wrap markers included.
      const uint64_t published = reader.oieb_snapshot().payload_written_count;
      if (published == 0) return Failed("the writer published no frame");
      while (reader.oieb_snapshot().payload_read_count < published) {
        Frame frame = reader.read_frame(kReadTimeout);
        if (!frame.valid()) {
          return Failed(absl::StrCat("only ", state.frames_checked.size(),
                                     " frames arrived of ", published,
                                     " published (", kReadTimeout.count(),
                                     " ms without one)"));
        }
        state.frames_checked.push_back(absl::StrCat(
            "frame ", frame.sequence(), ": ", frame.size(), " bytes"));
        state.sizes.push_back(frame.size());
        state.sequences.push_back(frame.sequence());
        if (std::optional<size_t> bad = FindPatternMismatch(frame.span(), 0)) {
          state.mismatches.push_back(absl::StrCat(
              "frame ", frame.sequence(), " (", frame.size(), " bytes) byte ",
              *bad, " is ", static_cast<int>(frame.span()[*bad]), ", expected ",
              static_cast<int>(PatternByte(*bad, 0))));
        }
      }
      context.log().Info(absl::StrCat(
          "Checked every byte of ", absl::StrJoin(state.frames_checked, ", ")));
      if (!state.mismatches.empty()) {
        return Failed(absl::StrJoin(state.mismatches, "; "));
      }
      return ExpectPatternFrames(state);
    });

ZB_STEP(kThen, "no data corruption should be detected",
        [](StepContext& context) -> absl::Status {
          const PatternCheckState& state = context.State<PatternCheckState>();
          if (state.frames_checked.empty()) {
            return Failed("no frame has been checked");
          }
          if (!state.mismatches.empty()) {
            return Failed(absl::StrCat(state.mismatches.size(), " of ",
                                       state.frames_checked.size(),
                                       " frames are corrupt: ",
                                       absl::StrJoin(state.mismatches, "; ")));
          }
          return absl::OkStatus();
        });

// 7.1: a semaphore that cannot be created (never run by Harmony)
//
// The sentences attempt the creation before saying how it fails, so the
// attempt waits for the failure to be arranged. The failure is real: a
// directory where sem-w's file must go, which sem_open cannot replace and
// the library's leftover removal cannot unlink.

struct PartialInitState {
  std::string buffer;  // physical name of the pending creation
};

ZB_STEP(kGiven, "attempt to create buffer '([^']*)' with default config",
        [](StepContext& context, const std::string& buffer) -> absl::Status {
          context.State<PartialInitState>().buffer =
              context.PhysicalName(buffer);
          context.log().Info(
              "The creation runs once its semaphore failure is arranged");
          return absl::OkStatus();
        });

ZB_STEP(kGiven, "the test simulates semaphore creation failure",
        [](StepContext& context) -> absl::Status {
          const std::string& name = context.State<PartialInitState>().buffer;
          if (name.empty()) return Failed("no buffer creation is pending");
          return WithWriteSemaphoreBlocked(name, [&] {
            Attempt(context, [&] {
              // The library's default sizes: the failure comes before they
              // matter.
              context.State<Endpoints>().CreateReader(name, BufferConfig());
            });
          });
        });

ZB_STEP(kThen, "the buffer creation should fail",
        [](StepContext& context) -> absl::Status {
          return ExpectAnyCapturedError(context,
                                        "the creation to fail on sem-w");
        });

ZB_STEP(kThen, "the shared memory should be cleaned up",
        [](StepContext& context) -> absl::Status {
          const std::string& name = context.State<PartialInitState>().buffer;
          const BufferObject segment = ObjectsOf(name).front();
          if (Exists(segment)) {
            return Failed(absl::StrCat(segment.Describe(),
                                       " outlived the failed creation"));
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "no resources should be leaked",
        [](StepContext& context) -> absl::Status {
          return ExpectNoObjects(context.State<PartialInitState>().buffer,
                                 "After the failed creation");
        });

}  // namespace
}  // namespace zerobuffer::steps
