#include "steps/support/endpoints.h"

#include "steps/step_failure.h"

namespace zerobuffer::steps {

Reader& Endpoints::CreateReader(const std::string& name,
                                const BufferConfig& config,
                                const ReaderOptions& options) {
  // A reader of the same name is replaced: the old one goes first, so the
  // new one does not find the name taken by this very process.
  readers_.erase(name);
  auto reader = std::make_unique<Reader>(name, config, options);
  Reader& created = *reader;
  readers_[name] = std::move(reader);
  current_reader_ = name;
  return created;
}

Writer& Endpoints::ConnectWriter(const std::string& name,
                                 const WriterOptions& options) {
  writers_.erase(name);
  auto writer = std::make_unique<Writer>(name, options);
  Writer& connected = *writer;
  writers_[name] = std::move(writer);
  current_writer_ = name;
  return connected;
}

Reader& Endpoints::reader() {
  const auto it = readers_.find(current_reader_);
  if (it == readers_.end()) {
    throw StepFailure("this process has no reader: no step created a buffer");
  }
  return *it->second;
}

Writer& Endpoints::writer() {
  const auto it = writers_.find(current_writer_);
  if (it == writers_.end()) {
    throw StepFailure(
        "this process has no writer: no step connected to a buffer");
  }
  return *it->second;
}

void Endpoints::DropWriter() {
  writers_.erase(current_writer_);
  current_writer_.clear();
}

}  // namespace zerobuffer::steps
