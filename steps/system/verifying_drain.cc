#include "steps/system/verifying_drain.h"

#include <chrono>
#include <stop_token>

#include "absl/strings/str_cat.h"
#include "steps/system/pattern_window.h"

namespace zerobuffer::steps {
namespace {

// How long one read waits before the task looks at its stop request.
constexpr std::chrono::milliseconds kReadSlice{200};

}  // namespace

std::shared_ptr<DrainTally> StartVerifyingDrain(StepContext& context,
                                                const std::string& task,
                                                Reader& reader) {
  auto tally = std::make_shared<DrainTally>();
  StepLog* log = &context.log();
  context.tasks().Start(
      task, [&reader, tally, log, task](std::stop_token stop) -> absl::Status {
        PatternWindow pattern;
        DrainCounts counts;
        while (!stop.stop_requested()) {
          Frame frame;
          try {
            frame = reader.read_frame(kReadSlice);
          } catch (const WriterDeadException&) {
            counts.writer_left = true;
            break;
          } catch (const ZeroBufferException& error) {
            counts.problem =
                absl::StrCat(ErrorCodeName(error.code()), ": ", error.what());
            break;
          }
          if (!frame.valid()) continue;
          if (!pattern.Matches(frame.span(), frame.sequence())) {
            counts.problem =
                absl::StrCat("frame ", frame.sequence(), " (", frame.size(),
                             " bytes) differs from the pattern (i + ",
                             frame.sequence(), ") % 256");
            break;
          }
          ++counts.frames;
          counts.bytes += frame.size();
          frame.release();
          tally->Update(counts);
        }
        tally->Update(counts);
        log->Info(absl::StrCat(task, ": read and checked ", counts.frames,
                               " frames (", counts.bytes, " bytes)",
                               counts.problem ? "; stopped: " : "",
                               counts.problem.value_or("")));
        if (counts.problem) return absl::DataLossError(*counts.problem);
        return absl::OkStatus();
      });
  return tally;
}

}  // namespace zerobuffer::steps
