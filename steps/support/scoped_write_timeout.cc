#include "steps/support/scoped_write_timeout.h"

namespace zerobuffer::steps {

ScopedWriteTimeout::ScopedWriteTimeout(Writer& writer, absl::Duration timeout)
    : writer_(writer), saved_(writer.get_write_timeout()) {
  writer_.set_write_timeout(
      std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout)));
}

ScopedWriteTimeout::~ScopedWriteTimeout() { writer_.set_write_timeout(saved_); }

}  // namespace zerobuffer::steps
