// Unsigned decimals from untrusted text: a Content-Length value, a count in
// a message.

#ifndef ZEROBUFFER_SERVE_JSONRPC_DECIMAL_H_
#define ZEROBUFFER_SERVE_JSONRPC_DECIMAL_H_

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace zerobuffer::jsonrpc {

// `text` as a number of type T when it is nothing but decimal digits and
// the number fits T; nullopt otherwise. absl::SimpleAtoi alone would also
// take a sign and surrounding spaces.
template <typename T>
std::optional<T> ParseDecimal(absl::string_view text) {
  T value = 0;
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(text, &value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace zerobuffer::jsonrpc

#endif  // ZEROBUFFER_SERVE_JSONRPC_DECIMAL_H_
