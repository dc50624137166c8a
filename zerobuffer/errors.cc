#include "zerobuffer/errors.h"

#include "absl/strings/str_cat.h"

namespace zerobuffer {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kGeneric:
      return "ZeroBufferError";
    case ErrorCode::kInvalidBufferName:
      return "InvalidBufferName";
    case ErrorCode::kBufferNotFound:
      return "BufferNotFound";
    case ErrorCode::kIncompatibleBuffer:
      return "IncompatibleBuffer";
    case ErrorCode::kReaderAlreadyConnected:
      return "ReaderAlreadyConnected";
    case ErrorCode::kWriterAlreadyConnected:
      return "WriterAlreadyConnected";
    case ErrorCode::kReaderDead:
      return "ReaderDead";
    case ErrorCode::kWriterDead:
      return "WriterDead";
    case ErrorCode::kBufferFull:
      return "BufferFull";
    case ErrorCode::kFrameTooLarge:
      return "FrameTooLarge";
    case ErrorCode::kInvalidFrameSize:
      return "InvalidFrameSize";
    case ErrorCode::kSequenceError:
      return "SequenceError";
    case ErrorCode::kMetadataAlreadyWritten:
      return "MetadataAlreadyWritten";
    case ErrorCode::kMetadataTooLarge:
      return "MetadataTooLarge";
    case ErrorCode::kClosed:
      return "Closed";
  }
  return "Unknown";
}

SequenceError::SequenceError(uint64_t expected, uint64_t got)
    : ZeroBufferException(
          absl::StrCat("Sequence error: expected ", expected, ", got ", got),
          ErrorCode::kSequenceError),
      expected_(expected),
      got_(got) {}

}  // namespace zerobuffer
