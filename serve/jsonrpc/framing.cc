#include "serve/jsonrpc/framing.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "serve/jsonrpc/decimal.h"

namespace zerobuffer::jsonrpc {
namespace {

// Large enough for a typical request in one read; larger ones take several.
constexpr size_t kReadChunkBytes = 16384;

// Error messages quote at most this much of an offending line.
constexpr size_t kQuotedBytes = 64;

// A header line without its terminator: the '\n' is already gone, and a
// '\r' before it is not part of the line.
absl::string_view WithoutCarriageReturn(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// A printable, bounded excerpt of untrusted bytes for an error message.
std::string Quote(absl::string_view text) {
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, kQuotedBytes)),
                      text.size() > kQuotedBytes ? "...\"" : "\"");
}

// Non-empty header lines of a block (each ending in '\n').
std::vector<absl::string_view> HeaderLines(absl::string_view header_block) {
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(header_block, '\n')) {
    line = WithoutCarriageReturn(line);
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The body length a header block announces. The rules differ only in how
// the header is named (any case and spacing, or exactly "Content-Length"),
// whether a repeated one is an error or replaces the earlier, and how wide
// the value may be (64 bits, or StreamJsonRpc's 32-bit int). Lines without
// ':' are left to FirstLineWithoutColon.
absl::StatusOr<uint64_t> ContentLength(
    const std::vector<absl::string_view>& lines, HeaderRules rules) {
  const bool harmony = rules == HeaderRules::kHarmony;
  std::optional<absl::string_view> value;
  for (absl::string_view line : lines) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    const absl::string_view name = line.substr(0, colon);
    if (harmony ? name != "Content-Length"
                : !absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(name),
                                          "Content-Length")) {
      continue;
    }
    if (value.has_value() && !harmony) {
      return absl::InvalidArgumentError("more than one Content-Length header");
    }
    value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  }
  if (!value.has_value()) {
    return absl::InvalidArgumentError(
        harmony ? "no header named exactly \"Content-Length\""
                : "header block without Content-Length");
  }
  const uint64_t widest = harmony ? std::numeric_limits<int32_t>::max()
                                  : std::numeric_limits<uint64_t>::max();
  const std::optional<uint64_t> length = ParseDecimal<uint64_t>(*value);
  if (!length.has_value() || *length > widest) {
    return absl::InvalidArgumentError(
        absl::StrCat("Content-Length ", Quote(*value), " is not a ",
                     harmony ? "32-bit " : "", "decimal"));
  }
  return *length;
}

absl::Status FirstLineWithoutColon(
    const std::vector<absl::string_view>& lines) {
  for (absl::string_view line : lines) {
    if (line.find(':') == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("header line without ':': ", Quote(line)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string FrameMessage(const std::string& body) {
  return absl::StrCat("Content-Length: ", body.size(), "\r\n\r\n", body);
}

FrameParser::FrameParser(size_t max_body_bytes, HeaderRules rules)
    : max_body_bytes_(max_body_bytes), rules_(rules) {}

void FrameParser::Append(const char* data, size_t size) {
  if (state_ == State::kFailed) return;
  buffer_.erase(0, start_);
  start_ = 0;
  buffer_.append(data, size);
}

bool FrameParser::idle() const {
  return state_ == State::kFailed ||
         (state_ == State::kHeaders && Pending().empty());
}

absl::string_view FrameParser::Pending() const {
  return absl::string_view(buffer_).substr(start_);
}

void FrameParser::Consume(size_t size) { start_ += size; }

std::optional<absl::StatusOr<std::string>> FrameParser::Next() {
  while (true) {
    switch (state_) {
      case State::kHeaders: {
        std::optional<absl::StatusOr<std::string>> block = TakeHeaderBlock();
        if (!block.has_value() || !block->ok()) return block;
        absl::Status status = BeginBody(**block);
        if (!status.ok()) return status;
        break;
      }
      case State::kBody: {
        if (Pending().size() < remaining_) return std::nullopt;
        std::string body(Pending().substr(0, remaining_));
        Consume(remaining_);
        state_ = State::kHeaders;
        return body;
      }
      case State::kSkipBody: {
        const size_t skipped = static_cast<size_t>(
            std::min<uint64_t>(remaining_, Pending().size()));
        Consume(skipped);
        remaining_ -= skipped;
        if (remaining_ > 0) return std::nullopt;
        state_ = State::kHeaders;
        break;
      }
      case State::kSkipHeaderBlock:
        if (!SkipHeaderBlock()) return std::nullopt;
        break;
      case State::kFailed:
        return std::nullopt;
    }
  }
}

// The next header block, without the blank line that ends it, once that
// line has arrived.
std::optional<absl::StatusOr<std::string>> FrameParser::TakeHeaderBlock() {
  while (true) {
    const absl::string_view pending = Pending();
    const size_t newline = pending.find('\n', scanned_);
    if (newline == absl::string_view::npos) {
      // The block still needs at least its final '\n'.
      if (pending.size() >= kMaxHeaderBytes) return HeaderBlockTooLarge();
      return std::nullopt;
    }
    if (newline + 1 > kMaxHeaderBytes) return HeaderBlockTooLarge();
    const absl::string_view line = pending.substr(scanned_, newline - scanned_);
    if (rules_ == HeaderRules::kHarmony &&
        (line.empty() || line.find('\r') != line.size() - 1)) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          "header line does not end in exactly one \\r\\n: ",
          Quote(pending.substr(scanned_, newline + 1 - scanned_)))));
    }
    const bool blank = WithoutCarriageReturn(line).empty();
    if (!blank) {
      scanned_ = newline + 1;
    } else if (scanned_ == 0) {
      if (rules_ == HeaderRules::kHarmony) {
        return Fail(absl::InvalidArgumentError(
            "a blank line where a header block should start: no "
            "Content-Length"));
      }
      // Between messages, e.g. a peer that ends each body with a newline.
      Consume(newline + 1);
    } else {
      std::string block(pending.substr(0, scanned_));
      Consume(newline + 1);
      scanned_ = 0;
      return block;
    }
  }
}

absl::Status FrameParser::HeaderBlockTooLarge() {
  if (rules_ == HeaderRules::kHarmony) {
    return Fail(absl::ResourceExhaustedError(
        absl::StrCat("header block longer than ", kMaxHeaderBytes, " bytes")));
  }
  // The complete lines go now; SkipHeaderBlock takes the rest.
  Consume(scanned_);
  scanned_ = 0;
  skipped_line_has_content_ = false;
  state_ = State::kSkipHeaderBlock;
  return absl::ResourceExhaustedError(absl::StrCat(
      "header block longer than ", kMaxHeaderBytes, " bytes; skipping it"));
}

absl::Status FrameParser::Fail(absl::Status status) {
  state_ = State::kFailed;
  buffer_.clear();
  start_ = 0;
  return status;
}

absl::Status FrameParser::BeginBody(absl::string_view header_block) {
  const std::vector<absl::string_view> lines = HeaderLines(header_block);
  absl::StatusOr<uint64_t> length = ContentLength(lines, rules_);
  // Without a length the body cannot be told from the next header block.
  if (!length.ok()) return Reject(length.status(), std::nullopt);
  if (absl::Status colons = FirstLineWithoutColon(lines); !colons.ok()) {
    return Reject(std::move(colons), *length);
  }
  if (*length > max_body_bytes_) {
    return Reject(absl::ResourceExhaustedError(absl::StrCat(
                      "Content-Length ", *length, " exceeds the limit of ",
                      max_body_bytes_, " bytes")),
                  *length);
  }
  state_ = State::kBody;
  remaining_ = *length;
  return absl::OkStatus();
}

absl::Status FrameParser::Reject(absl::Status error,
                                 std::optional<uint64_t> body_length) {
  if (rules_ == HeaderRules::kHarmony) return Fail(std::move(error));
  if (body_length.has_value()) SkipBody(*body_length);
  return error;
}

void FrameParser::SkipBody(uint64_t size) {
  state_ = State::kSkipBody;
  remaining_ = size;
}

// Discards input through the blank line that ends an oversized header
// block. True once that line has gone.
bool FrameParser::SkipHeaderBlock() {
  while (true) {
    const absl::string_view pending = Pending();
    const size_t newline = pending.find('\n');
    if (newline == absl::string_view::npos) {
      // A final '\r' may be the start of a blank line's CRLF: keep it.
      const size_t discard = pending.empty() || pending.back() != '\r'
                                 ? pending.size()
                                 : pending.size() - 1;
      if (discard > 0) skipped_line_has_content_ = true;
      Consume(discard);
      return false;
    }
    const bool blank =
        !skipped_line_has_content_ &&
        WithoutCarriageReturn(pending.substr(0, newline)).empty();
    Consume(newline + 1);
    skipped_line_has_content_ = false;
    if (blank) {
      state_ = State::kHeaders;
      return true;
    }
  }
}

MessageReader::MessageReader(platform::FileDescriptor* fd,
                             size_t max_body_bytes, absl::Duration spin,
                             HeaderRules rules)
    : fd_(fd),
      max_body_bytes_(max_body_bytes),
      spin_(spin),
      rules_(rules),
      parser_(max_body_bytes, rules) {}

absl::StatusOr<bool> MessageReader::WaitReadable(absl::Duration timeout) {
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&start] {
    return absl::FromChrono(std::chrono::steady_clock::now() - start);
  };
  const absl::Duration spin = std::min(spin_, timeout);
  while (elapsed() < spin) {
    absl::StatusOr<bool> readable = fd_->WaitReadable(absl::ZeroDuration());
    if (!readable.ok() || *readable) return readable;
  }
  return fd_->WaitReadable(std::max(timeout - elapsed(), absl::ZeroDuration()));
}

absl::StatusOr<std::string> MessageReader::Read(absl::Duration timeout) {
  // Monotonic, so wall-clock steps neither stretch nor cut the wait.
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    std::optional<absl::StatusOr<std::string>> next = parser_.Next();
    if (next.has_value()) return *std::move(next);
    if (end_of_stream_) {
      if (parser_.idle()) return absl::OutOfRangeError("end of stream");
      // Report the torn message once; a caller that carries on after
      // errors then sees the end of the stream.
      parser_ = FrameParser(max_body_bytes_, rules_);
      return absl::DataLossError("stream ended inside a message");
    }
    const absl::Duration left =
        timeout - absl::FromChrono(std::chrono::steady_clock::now() - start);
    absl::StatusOr<bool> readable =
        WaitReadable(std::max(left, absl::ZeroDuration()));
    if (!readable.ok()) return readable.status();
    if (!*readable) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no complete message within ", absl::FormatDuration(timeout)));
    }
    char chunk[kReadChunkBytes];
    absl::StatusOr<size_t> got = fd_->ReadSome(chunk, sizeof(chunk));
    if (!got.ok()) return got.status();
    if (*got == 0) {
      end_of_stream_ = true;
    } else {
      parser_.Append(chunk, *got);
    }
  }
}

MessageWriter::MessageWriter(platform::FileDescriptor* fd) : fd_(fd) {}

absl::Status MessageWriter::Write(const std::string& body) {
  const std::string frame = FrameMessage(body);
  std::lock_guard<std::mutex> lock(mutex_);
  return fd_->WriteAll(frame);
}

}  // namespace zerobuffer::jsonrpc
