#ifndef ZEROBUFFER_STEPS_DUPLEX_REQUEST_PAYLOAD_H_
#define ZEROBUFFER_STEPS_DUPLEX_REQUEST_PAYLOAD_H_

#include <cstddef>
#include <optional>
#include <vector>

namespace zerobuffer::steps::duplex_steps {

// A request's bytes as the client steps keep them: a request holding the
// pattern of step-catalog 2.2 (byte i is (i + s) mod 256), as nearly all
// do, as its size and first byte alone, anything else as a copy. A client
// that sends tens of thousands of requests (13.6b) so keeps no copies.
class RequestPayload {
 public:
  explicit RequestPayload(std::vector<std::byte> bytes);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::byte operator[](size_t index) const;
  // How many bytes it keeps: none for a pattern.
  size_t bytes_kept() const { return copy_.size(); }
  // The bytes themselves; implicit for the steps that resend a request
  // (steps/duplex/flow_control_steps.cc).
  operator std::vector<std::byte>() const;

 private:
  size_t size_ = 0;
  // Byte 0 of a pattern request, which sets all the others.
  std::optional<std::byte> pattern_start_;
  std::vector<std::byte> copy_;  // of a request that is no pattern
};

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_REQUEST_PAYLOAD_H_
