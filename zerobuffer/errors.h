// The error catalogue (protocol.md section 9): one exception class per
// condition a caller may want to handle, named as upstream names them, each
// also tagged with an ErrorCode for callers that prefer to switch.
//
// Every message starts with the upstream wording (cross-language tests print
// it); details such as the buffer name follow after ": ".

#ifndef ZEROBUFFER_ZEROBUFFER_ERRORS_H_
#define ZEROBUFFER_ZEROBUFFER_ERRORS_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zerobuffer {

enum class ErrorCode {
  kGeneric,
  kInvalidBufferName,
  kBufferNotFound,
  kIncompatibleBuffer,
  kReaderAlreadyConnected,
  kWriterAlreadyConnected,
  kReaderDead,
  kWriterDead,
  kBufferFull,
  kFrameTooLarge,
  kInvalidFrameSize,
  kSequenceError,
  kMetadataAlreadyWritten,
  kMetadataTooLarge,
  kClosed,
};

// "BufferFull", "SequenceError", ...: stable names for logs and steps
// (a C string, so it works with std:: and absl:: string APIs alike).
const char* ErrorCodeName(ErrorCode code);

class ZeroBufferException : public std::runtime_error {
 public:
  explicit ZeroBufferException(const std::string& message,
                               ErrorCode code = ErrorCode::kGeneric)
      : std::runtime_error(message), code_(code) {}

  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Declares an exception whose message is `base`, optionally followed by
// ": <detail>".
#define ZEROBUFFER_DECLARE_EXCEPTION(Name, Code, base)                     \
  class Name : public ZeroBufferException {                                \
   public:                                                                 \
    static constexpr std::string_view kMessage = base;                     \
    Name() : ZeroBufferException(std::string(kMessage), Code) {}           \
    explicit Name(std::string_view detail)                                 \
        : ZeroBufferException(                                             \
              std::string(kMessage) + ": " + std::string(detail), Code) {} \
  }

ZEROBUFFER_DECLARE_EXCEPTION(InvalidBufferNameException,
                             ErrorCode::kInvalidBufferName,
                             "Invalid buffer name");
ZEROBUFFER_DECLARE_EXCEPTION(BufferNotFoundException,
                             ErrorCode::kBufferNotFound, "Buffer not found");
// The segment exists but is not a protocol v1 buffer (OIEB size, major
// version or block sizes do not fit).
ZEROBUFFER_DECLARE_EXCEPTION(IncompatibleBufferException,
                             ErrorCode::kIncompatibleBuffer,
                             "Invalid or incompatible OIEB");
ZEROBUFFER_DECLARE_EXCEPTION(ReaderAlreadyConnectedException,
                             ErrorCode::kReaderAlreadyConnected,
                             "Another reader is already connected");
ZEROBUFFER_DECLARE_EXCEPTION(WriterAlreadyConnectedException,
                             ErrorCode::kWriterAlreadyConnected,
                             "Another writer is already connected");
ZEROBUFFER_DECLARE_EXCEPTION(ReaderDeadException, ErrorCode::kReaderDead,
                             "Reader process is dead");
ZEROBUFFER_DECLARE_EXCEPTION(WriterDeadException, ErrorCode::kWriterDead,
                             "Writer process is dead");
ZEROBUFFER_DECLARE_EXCEPTION(BufferFullException, ErrorCode::kBufferFull,
                             "Buffer is full");
ZEROBUFFER_DECLARE_EXCEPTION(FrameTooLargeException, ErrorCode::kFrameTooLarge,
                             "Frame size exceeds buffer capacity");
ZEROBUFFER_DECLARE_EXCEPTION(InvalidFrameSizeException,
                             ErrorCode::kInvalidFrameSize,
                             "Invalid frame size (zero or too large)");
ZEROBUFFER_DECLARE_EXCEPTION(MetadataAlreadyWrittenException,
                             ErrorCode::kMetadataAlreadyWritten,
                             "Metadata has already been written");
ZEROBUFFER_DECLARE_EXCEPTION(MetadataTooLargeException,
                             ErrorCode::kMetadataTooLarge,
                             "Metadata too large for buffer");
ZEROBUFFER_DECLARE_EXCEPTION(ClosedException, ErrorCode::kClosed,
                             "Buffer endpoint is closed");

#undef ZEROBUFFER_DECLARE_EXCEPTION

// A frame that can never be placed at the current write position: it fits
// neither before the ring's end nor, after a wrap, in front of the write
// position, so no amount of reading makes room (protocol.md 6.2). Thrown at
// once rather than after the write timeout. It is a BufferFullException with
// the same code, so code that handles a full buffer handles it too; catch it
// first to tell a frame that must wait from one that cannot be written here.
class FrameNeverFitsException : public BufferFullException {
 public:
  explicit FrameNeverFitsException(std::string_view detail)
      : BufferFullException(detail) {}
};

class SequenceError : public ZeroBufferException {
 public:
  SequenceError(uint64_t expected, uint64_t got);

  uint64_t expected() const { return expected_; }
  uint64_t got() const { return got_; }

 private:
  uint64_t expected_;
  uint64_t got_;
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_ERRORS_H_
