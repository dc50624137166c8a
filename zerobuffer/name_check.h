// The check every entry point runs on a buffer name before it touches any
// OS object.

#ifndef ZEROBUFFER_ZEROBUFFER_NAME_CHECK_H_
#define ZEROBUFFER_ZEROBUFFER_NAME_CHECK_H_

#include <string>

namespace zerobuffer {

// Throws InvalidBufferNameException saying what is wrong when `name`
// breaks the rules of ValidateBufferName (names.h).
void ThrowIfInvalidBufferName(const std::string& name);

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_NAME_CHECK_H_
