// Content-Length framing (harmony-contract.md section 3): the one form we
// emit, a tolerant incremental parser for what we receive (contract 10.3),
// and a blocking reader and a thread-safe writer over a file descriptor.

#ifndef ZEROBUFFER_SERVE_JSONRPC_FRAMING_H_
#define ZEROBUFFER_SERVE_JSONRPC_FRAMING_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "platform/file_descriptor.h"

namespace zerobuffer::jsonrpc {

// `Content-Length: <byte count>\r\n\r\n<body>`: exactly what Harmony's
// strict reader accepts (contract 3.2).
std::string FrameMessage(const std::string& body);

// Which header blocks a FrameParser accepts.
enum class HeaderRules {
  // What a robust serve accepts from anyone (contract 10.3); see
  // FrameParser.
  kTolerant,
  // What Harmony's StreamJsonRpc accepts from a serve (contract 3.2), so
  // that our runner fails a serve Harmony would fail: every header line,
  // the blank one included, ends in CRLF (no other CR on it); every other
  // line has a ':'; the name before it is exactly "Content-Length" (case
  // and spacing count; a repeated one replaces the earlier); its trimmed
  // value is a decimal of at most 2^31 - 1; other headers are ignored; no
  // blank line may stand between messages. Input may still be split
  // anywhere. The first violation is fatal, as Harmony then drops the
  // connection: Next reports it once, and all later input is discarded.
  kHarmony,
};

// Splits a byte stream into message bodies. Pure: the caller feeds bytes
// with Append and collects bodies with Next.
//
// With HeaderRules::kTolerant, accepted: header lines ending in CRLF or bare
// LF; header names in any case; any spacing around ':' and the value; other
// headers (Content-Type ...) ignored; blank lines between messages ignored;
// input split anywhere.
//
// A bad header block is reported once by Next and never wedges the parser:
//  * no usable Content-Length (missing, repeated, not a decimal number):
//    kInvalidArgument; parsing resumes right after the block's blank line,
//    since where its body ends is unknown;
//  * Content-Length above max_body_bytes: kResourceExhausted; the N body
//    bytes are skipped;
//  * a valid Content-Length but a line without ':': kInvalidArgument; the N
//    body bytes are skipped, so the stream stays in step;
//  * a header block (blank line included) longer than kMaxHeaderBytes:
//    kResourceExhausted as soon as the limit is passed; everything up to
//    and including the next blank line is then discarded as it arrives, so
//    garbage without a blank line never grows the buffer.
class FrameParser {
 public:
  static constexpr size_t kMaxHeaderBytes = 8192;

  explicit FrameParser(size_t max_body_bytes,
                       HeaderRules rules = HeaderRules::kTolerant);

  void Append(const char* data, size_t size);

  // The next complete body, a framing error, or nullopt when more bytes are
  // needed.
  std::optional<absl::StatusOr<std::string>> Next();

  // True between messages with nothing buffered, or after a fatal error: a
  // stream ending here ends cleanly. Meaningful once Next has returned
  // nullopt.
  bool idle() const;

 private:
  enum class State { kHeaders, kBody, kSkipBody, kSkipHeaderBlock, kFailed };

  absl::string_view Pending() const;
  void Consume(size_t size);

  std::optional<absl::StatusOr<std::string>> TakeHeaderBlock();
  absl::Status HeaderBlockTooLarge();
  absl::Status BeginBody(absl::string_view header_block);
  // A bad header block: returns `error`, after which HeaderRules::kHarmony
  // parses nothing more (Fail) and kTolerant skips the body when its
  // length is known, parsing on right after the block when not.
  absl::Status Reject(absl::Status error, std::optional<uint64_t> body_length);
  // Returns `status`; nothing is parsed after it.
  absl::Status Fail(absl::Status status);
  void SkipBody(uint64_t size);
  bool SkipHeaderBlock();

  size_t max_body_bytes_;
  HeaderRules rules_;
  State state_ = State::kHeaders;
  std::string buffer_;
  // Bytes at the front of buffer_ already handed out or discarded; dropped
  // on the next Append so that Next never shifts the buffer.
  size_t start_ = 0;
  // kHeaders: bytes of complete, non-blank header lines seen so far.
  size_t scanned_ = 0;
  // kBody, kSkipBody: body bytes still to deliver or skip.
  uint64_t remaining_ = 0;
  // kSkipHeaderBlock: the line being discarded had something besides CR.
  bool skipped_line_has_content_ = false;
};

// Reads message bodies from a file descriptor (not owned). One reader per
// descriptor, used from one thread at a time.
// A spin for processes answering one request at a time (the serve front
// and worker): longer than a client's turnaround on a busy two-core machine,
// short enough that waiting costs nothing when no request is coming.
inline constexpr absl::Duration kRequestResponseSpin = absl::Microseconds(200);

class MessageReader {
 public:
  // With a `spin`, a read polls the descriptor for up to that long before
  // it blocks: in a quick request/response exchange the next message then
  // arrives without the process being put to sleep and woken again, which
  // on a loaded machine costs more than the exchange itself.
  MessageReader(platform::FileDescriptor* fd, size_t max_body_bytes,
                absl::Duration spin = absl::ZeroDuration(),
                HeaderRules rules = HeaderRules::kTolerant);

  // The next body. kDeadlineExceeded if none completes within `timeout`
  // (bytes read so far stay buffered for the next call); a framing error
  // from FrameParser (the next call continues after it); kDataLoss once if
  // the stream ends inside a message, then kOutOfRange; kOutOfRange at the
  // end of the stream.
  absl::StatusOr<std::string> Read(
      absl::Duration timeout = absl::InfiniteDuration());

 private:
  // Waits until `fd_` is readable: polling for up to `spin_` (never past
  // `timeout`), then blocking for what is left of `timeout`.
  absl::StatusOr<bool> WaitReadable(absl::Duration timeout);

  platform::FileDescriptor* fd_;
  size_t max_body_bytes_;
  absl::Duration spin_;
  HeaderRules rules_;
  FrameParser parser_;
  bool end_of_stream_ = false;
};

// Writes framed messages to a file descriptor (not owned). Thread-safe:
// each message goes out whole, never interleaved with another.
class MessageWriter {
 public:
  explicit MessageWriter(platform::FileDescriptor* fd);

  absl::Status Write(const std::string& body);

 private:
  platform::FileDescriptor* fd_;
  // std::mutex rather than absl::Mutex: Debian's abseil is not TSan-built.
  std::mutex mutex_;
};

}  // namespace zerobuffer::jsonrpc

#endif  // ZEROBUFFER_SERVE_JSONRPC_FRAMING_H_
