// The reader's FIFO ledger of ring space that is still in use
// (protocol.md 7.3).
//
// The writer assumes that the payload_free_bytes bytes after its write
// position are unused. That only holds if space is credited back in ring
// order. Frames may be released in any order, and a reader may step over a
// wrap marker while it still holds a frame from before it, so the reader
// records every frame and every skipped tail in read order and credits only
// from the head: a frame's bytes once it and everything before it are
// released, a tail as soon as everything before it is. With one frame held
// at a time this is exactly the upstream behaviour.
//
// Not thread-safe; the reader serialises access.

#ifndef ZEROBUFFER_ZEROBUFFER_RELEASE_LEDGER_H_
#define ZEROBUFFER_ZEROBUFFER_RELEASE_LEDGER_H_

#include <cstdint>
#include <deque>

namespace zerobuffer {

class ReleaseLedger {
 public:
  using Ticket = uint64_t;

  // What may be returned to the writer now.
  struct Credit {
    uint64_t bytes = 0;
    // Frames among the credited items: the reader posts sem-r once each.
    uint64_t frames = 0;
  };

  // Records a frame occupying `frame_bytes` (header included). Its space
  // stays in use until the ticket is released.
  Ticket AddFrame(uint64_t frame_bytes);

  // Records ring-end bytes skipped at a wrap; they are free as soon as every
  // earlier frame is released.
  Credit AddSkippedTail(uint64_t bytes);

  // Marks the frame released. Unknown and already released tickets credit
  // nothing, so a double release can never over-credit.
  Credit Release(Ticket ticket);

 private:
  struct Entry {
    uint64_t bytes;
    bool is_frame;
    bool released;
  };

  Credit CreditFromHead();

  std::deque<Entry> entries_;
  Ticket first_ticket_ = 0;  // the ticket of entries_.front()
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_RELEASE_LEDGER_H_
