// The writer: connects to a buffer a reader created and produces frames.

#ifndef ZEROBUFFER_ZEROBUFFER_WRITER_H_
#define ZEROBUFFER_ZEROBUFFER_WRITER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "zerobuffer/config.h"
#include "zerobuffer/layout.h"

namespace zerobuffer {

class WriterImpl;

// At most one live writer per buffer. Frames are written by copy
// (write_frame) or in place (get_frame_buffer + commit_frame); both wait up
// to the write timeout when the ring is full.
//
// Every call is serialised internally, so several threads may share a
// writer. A zero-copy pair is not atomic, though: a write_frame or
// get_frame_buffer from another thread between get_frame_buffer and
// commit_frame abandons the reservation, so threads that write in place
// need a lock of their own around each pair.
//
// Closing (close() or destruction) clears writer_pid. If the reader has
// crashed by then (its PID is dead and nobody holds its lock files), the
// writer is the buffer's last user and removes what the reader left: the
// segment, both semaphores and the lock files, through the same routine as
// the stale-resource scan (RemoveBufferIfAbandoned), which never touches the
// objects of a live or starting reader. Deliberate difference from upstream,
// invisible on the wire: upstream writers never unlink anything
// (protocol.md 6.4), so a crashed reader's objects outlive both processes
// until the next reader of that name scans for stale resources.
class Writer {
 public:
  // Throws InvalidBufferNameException; ZeroBufferException for options out
  // of range (config.h); BufferNotFoundException when no such buffer exists;
  // IncompatibleBufferException when the segment is not a protocol v1 buffer;
  // ReaderDeadException when its reader is gone;
  // WriterAlreadyConnectedException when a live writer is connected (that
  // writer is left undisturbed).
  explicit Writer(const std::string& name, const WriterOptions& options = {});
  Writer(Writer&& other) noexcept;
  Writer& operator=(Writer&& other) noexcept;
  ~Writer();

  const std::string& name() const;

  // Copies one frame into the ring. Throws InvalidFrameSizeException for 0
  // bytes, FrameTooLargeException when 16 + size exceeds the ring,
  // BufferFullException when no space appeared within the write timeout,
  // FrameNeverFitsException (a BufferFullException) at once when the frame
  // can never fit at the current write position, and ReaderDeadException
  // when the reader closed or crashed.
  void write_frame(const void* data, size_t size);
  void write_frame(std::span<const std::byte> data) {
    write_frame(data.data(), data.size());
  }
  void write_frame(const std::vector<uint8_t>& data) {
    write_frame(data.data(), data.size());
  }

  // Reserves room for a `size`-byte frame and returns it for filling in
  // place; `sequence_number` receives the number the frame will carry.
  // Nothing is visible to the reader until commit_frame(). Calling it again
  // (or write_frame) before committing abandons the reservation without
  // burning a sequence number. Throws like write_frame.
  std::span<std::byte> get_frame_buffer(size_t size, uint64_t& sequence_number);
  // Publishes the reserved frame. Throws ZeroBufferException when nothing is
  // reserved.
  void commit_frame();

  // Writes the metadata (once per buffer, also across writer sessions).
  // Throws MetadataAlreadyWrittenException or MetadataTooLargeException.
  void set_metadata(const void* data, size_t size);
  void set_metadata(std::span<const std::byte> data) {
    set_metadata(data.data(), data.size());
  }
  void set_metadata(const std::vector<uint8_t>& data) {
    set_metadata(data.data(), data.size());
  }
  // In-place variant: fill the returned span, then commit_metadata().
  std::span<std::byte> get_metadata_buffer(size_t size);
  void commit_metadata();

  // Throws ZeroBufferException for a negative timeout.
  void set_write_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds get_write_timeout() const;

  // Whether the reader is still there and alive.
  bool is_reader_connected() const;

  uint64_t frames_written() const;
  uint64_t bytes_written() const;

  // The OIEB as it is now, each field read atomically.
  OIEB oieb_snapshot() const;

  // Disconnects (clears writer_pid) and removes the buffer if its reader
  // crashed (see above). Afterwards write_frame, get_frame_buffer,
  // commit_frame, set_metadata, get_metadata_buffer and commit_metadata
  // throw ClosedException; name(), the timeout, is_reader_connected(), the
  // counters and oieb_snapshot() keep answering. Idempotent.
  void close();

 private:
  std::unique_ptr<WriterImpl> impl_;
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_WRITER_H_
