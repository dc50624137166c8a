// Steps of feature 03 (error handling): metadata is written once and must
// fit its block, and a buffer without a metadata block still carries
// frames.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "absl/strings/str_cat.h"
#include "steps/context.h"
#include "steps/registry.h"
#include "steps/step_failure.h"
#include "steps/support/captured_error.h"
#include "steps/support/data_patterns.h"
#include "steps/support/endpoints.h"
#include "steps/support/metadata_block.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {
namespace {

using std::chrono::milliseconds;

// 3.3: the frames upstream C# writes and expects.
constexpr int kFramesWithoutMetadata = 3;
constexpr milliseconds kFrameTimeout{1000};
// The rejected second metadata write uses another pattern, so that a write
// that got through anyway would show in the stored bytes.
constexpr uint64_t kSecondMetadataSequence = 100;

// A metadata write expected to fail, and the OIEB's metadata_written_bytes
// before it: a rejected write must leave it as it was.
struct MetadataAttempt {
  uint64_t size = 0;
  uint64_t written_bytes_before = 0;
};

std::string FrameText(int index) { return absl::StrCat("frame_", index); }

// Attempts to write `size` bytes of metadata in place: the size is checked
// before anything is allocated or copied, so absurd sizes fail cleanly.
void AttemptMetadataWrite(StepContext& context, uint64_t size,
                          uint64_t pattern_sequence) {
  Writer& writer = context.State<Endpoints>().writer();
  context.State<MetadataAttempt>() = {
      size, writer.oieb_snapshot().metadata_written_bytes};
  Attempt(context, [&] {
    FillPattern(writer.get_metadata_buffer(size), pattern_sequence);
    writer.commit_metadata();
  });
}

absl::Status ExpectMetadataUntouched(StepContext& context) {
  const MetadataAttempt& attempt = context.State<MetadataAttempt>();
  const uint64_t now = context.State<Endpoints>()
                           .writer()
                           .oieb_snapshot()
                           .metadata_written_bytes;
  if (now != attempt.written_bytes_before) {
    return Failed(absl::StrCat("the rejected ", attempt.size,
                               "-byte write changed the stored "
                               "metadata: metadata_written_bytes went from ",
                               attempt.written_bytes_before, " to ", now));
  }
  return absl::OkStatus();
}

ZB_STEP(kWhen,
        "the '([^']*)' process attempts to write metadata again with size "
        "'(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          AttemptMetadataWrite(context, size, kSecondMetadataSequence);
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process verifies the second metadata write should fail",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::Status refused =
              ExpectCapturedError(context, ErrorCode::kMetadataAlreadyWritten,
                                  "metadata already written error");
          if (!refused.ok()) return refused;
          return ExpectMetadataUntouched(context);
        });

ZB_STEP(kThen,
        "the '([^']*)' process verifies the original metadata should remain "
        "unchanged",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          const std::span<const std::byte> metadata = reader.metadata();
          if (metadata.empty()) return Failed("the buffer holds no metadata");
          // The first write used i % 256; the rejected one started at 100.
          if (auto bad = FindPatternMismatch(metadata, 0)) {
            return Failed(absl::StrCat("the ", metadata.size(),
                                       " bytes of metadata differ from the "
                                       "first write's pattern i % 256 at byte ",
                                       *bad, ": found ",
                                       static_cast<int>(metadata[*bad])));
          }
          const uint64_t written =
              reader.oieb_snapshot().metadata_written_bytes;
          if (written != kMetadataPrefixSize + metadata.size()) {
            return Failed(absl::StrCat("metadata_written_bytes is ", written,
                                       " for ", metadata.size(),
                                       " bytes of metadata"));
          }
          context.log().Info(absl::StrCat("The original ", metadata.size(),
                                          " bytes of metadata are intact"));
          return absl::OkStatus();
        });

ZB_STEP(kWhen,
        "the '([^']*)' process attempts to write metadata with size '(\\d+)'",
        [](StepContext& context, const std::string&,
           uint64_t size) -> absl::Status {
          AttemptMetadataWrite(context, size, 0);
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process verifies the metadata write should fail with "
        "size error",
        [](StepContext& context, const std::string&) -> absl::Status {
          const absl::Status refused = ExpectCapturedError(
              context, ErrorCode::kMetadataTooLarge, "metadata size error");
          if (!refused.ok()) return refused;
          return ExpectMetadataUntouched(context);
        });

ZB_STEP(kWhen, "the '([^']*)' process writes frames without metadata",
        [](StepContext& context, const std::string&) -> absl::Status {
          Writer& writer = context.State<Endpoints>().writer();
          for (int i = 0; i < kFramesWithoutMetadata; ++i) {
            const std::string text = FrameText(i);
            writer.write_frame(text.data(), text.size());
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen, "the '([^']*)' process should read frames successfully",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          for (int i = 0; i < kFramesWithoutMetadata; ++i) {
            Frame frame = reader.read_frame(kFrameTimeout);
            if (!frame.valid()) {
              return Failed(absl::StrCat(
                  "frame ", i + 1, " of ", kFramesWithoutMetadata,
                  " did not arrive within ", kFrameTimeout.count(), " ms"));
            }
            const std::string text(static_cast<const char*>(frame.data()),
                                   frame.size());
            if (text != FrameText(i)) {
              return Failed(absl::StrCat("frame ", i + 1, " holds '", text,
                                         "', expected '", FrameText(i), "'"));
            }
          }
          return absl::OkStatus();
        });

ZB_STEP(kThen,
        "the '([^']*)' process verifies the system should work without "
        "metadata",
        [](StepContext& context, const std::string&) -> absl::Status {
          Reader& reader = context.State<Endpoints>().reader();
          if (absl::Status none = ExpectNoMetadataBlock(reader); !none.ok()) {
            return none;
          }
          if (reader.frames_read() == 0) {
            return Failed("no frame has passed through the buffer");
          }
          context.log().Info(absl::StrCat(reader.frames_read(),
                                          " frames passed without metadata"));
          return absl::OkStatus();
        });

}  // namespace
}  // namespace zerobuffer::steps
