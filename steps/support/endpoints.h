// The readers and writers one step-server process holds, by physical
// buffer name, and which of them the sentences' "the reader" and "the
// writer" mean: the one created or connected last.

#ifndef ZEROBUFFER_STEPS_SUPPORT_ENDPOINTS_H_
#define ZEROBUFFER_STEPS_SUPPORT_ENDPOINTS_H_

#include <map>
#include <memory>
#include <string>

#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::steps {

class Endpoints {
 public:
  Reader& CreateReader(const std::string& name, const BufferConfig& config,
                       const ReaderOptions& options = {});
  Writer& ConnectWriter(const std::string& name,
                        const WriterOptions& options = {});

  // The current reader or writer; throws StepFailure when there is none.
  Reader& reader();
  Writer& writer();
  bool has_reader() const { return !current_reader_.empty(); }
  bool has_writer() const { return !current_writer_.empty(); }

  // Closes and forgets the current writer (a writer that left).
  void DropWriter();

 private:
  std::map<std::string, std::unique_ptr<Reader>> readers_;
  std::map<std::string, std::unique_ptr<Writer>> writers_;
  std::string current_reader_;
  std::string current_writer_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_ENDPOINTS_H_
