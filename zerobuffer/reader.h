// The reader: creates and owns a buffer, and consumes its frames.

#ifndef ZEROBUFFER_ZEROBUFFER_READER_H_
#define ZEROBUFFER_ZEROBUFFER_READER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "zerobuffer/config.h"
#include "zerobuffer/frame.h"
#include "zerobuffer/layout.h"
#include "zerobuffer/stale_cleanup.h"

namespace zerobuffer {

class ReaderImpl;

// Creating a Reader first removes resources abandoned by crashed readers
// (never those of a live one), then creates the lock files, the segment and
// both semaphores, and publishes this process as the owner. Closing (or
// destroying) it removes everything it created; a connected writer then gets
// ReaderDeadException on its next write.
//
// One thread reads at a time (concurrent read calls are serialised); frames
// may be released from any thread.
//
// Sequence numbers: every writer session numbers its frames from 1
// (protocol.md 3.5), and upstream C++ and Python readers throw SequenceError
// when a second session starts on a buffer they have read from. This reader
// instead starts over at 1 when a frame numbered 1 arrives while it expects
// another number and the OIEB's writer_pid differs from what it was when the
// previous frame was taken: a new writer process. The change is only seen
// through the PID, so a writer closed and reopened within one process (same
// PID), or a new writer whose PID is the old one's, still gets SequenceError.
// So does a new session whose writer connected while frames of the previous
// session were still unread, since writer_pid changed before their reading.
class Reader {
 public:
  // Throws InvalidBufferNameException, ReaderAlreadyConnectedException when a
  // live reader owns `name`, or ZeroBufferException for options out of range
  // (config.h) or when the OS refuses (sizes it cannot map, permissions,
  // exhausted resources).
  Reader(const std::string& name, const BufferConfig& config = {},
         const ReaderOptions& options = {});
  Reader(Reader&& other) noexcept;
  Reader& operator=(Reader&& other) noexcept;
  ~Reader();

  const std::string& name() const;

  // Waits up to `timeout` for the next frame. Returns an invalid Frame on
  // timeout while the writer is alive or none has connected yet. Throws
  // WriterDeadException when the writer crashed, or left and every frame it
  // wrote has been read; SequenceError or InvalidFrameSizeException when the
  // next frame header is one no correct writer writes. The read position does
  // not move past such a header (a wrap marker in front of it is consumed),
  // so the stream stops there: a retry meets the same header and, unless the
  // writer's PID changed meanwhile (see above), reports the same error.
  Frame read_frame(std::chrono::milliseconds timeout);
  // read_frame without waiting.
  Frame try_read_frame();
  // Releases `frame` now (the same as letting it go out of scope).
  void release_frame(Frame& frame);

  // The metadata the writer stored, without copying; empty when none has
  // been written. Throws ZeroBufferException("Invalid metadata size") when
  // the stored length prefix is inconsistent.
  std::span<const std::byte> metadata() const;
  std::vector<uint8_t> get_metadata() const;
  size_t get_metadata_size() const { return metadata().size(); }
  const void* get_metadata_raw() const { return metadata().data(); }
  // The metadata viewed as a T, or nullptr when it is smaller than a T.
  template <typename T>
  const T* get_metadata_as() const {
    const std::span<const std::byte> bytes = metadata();
    return bytes.size() >= sizeof(T) ? reinterpret_cast<const T*>(bytes.data())
                                     : nullptr;
  }

  // Whether a writer is connected and alive.
  bool is_writer_connected() const;
  // Waits up to `timeout` for a writer to connect.
  bool is_writer_connected(std::chrono::milliseconds timeout) const;
  bool is_writer_connected(int timeout_ms) const {
    return is_writer_connected(std::chrono::milliseconds(timeout_ms));
  }

  uint64_t frames_read() const;
  uint64_t bytes_read() const;

  // The OIEB as it is now, each field read atomically: for diagnostics and
  // protocol tests.
  OIEB oieb_snapshot() const;

  // What the creation of this reader removed as stale.
  const StaleCleanupReport& stale_cleanup_report() const;

  // Removes the buffer now. Afterwards read_frame, try_read_frame and the
  // metadata accessors throw ClosedException; name(), is_writer_connected(),
  // the counters, oieb_snapshot() and stale_cleanup_report() keep answering
  // (from the still-mapped segment). Frames still held stay readable.
  // Idempotent.
  void close();

  // Waits up to `timeout` until buffer `name` exists (segment and both
  // semaphores, in `object_namespace`) and is owned by a live reader; false
  // on timeout.
  static bool wait_exists(
      const std::string& name, std::chrono::milliseconds timeout,
      ObjectNamespace object_namespace = ObjectNamespace::kSession);

 private:
  std::shared_ptr<ReaderImpl> impl_;
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_READER_H_
