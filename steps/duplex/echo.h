// The echo handler the duplex steps and tests serve with: the response is
// the request's bytes.

#ifndef ZEROBUFFER_STEPS_DUPLEX_ECHO_H_
#define ZEROBUFFER_STEPS_DUPLEX_ECHO_H_

#include <cstddef>
#include <span>
#include <vector>

#include "zerobuffer/frame.h"

namespace zerobuffer::steps::duplex_steps {

inline std::vector<std::byte> Echo(const Frame& request) {
  const std::span<const std::byte> bytes = request.span();
  return {bytes.begin(), bytes.end()};
}

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_ECHO_H_
