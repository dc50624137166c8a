#include "zerobuffer/release_ledger.h"

namespace zerobuffer {

ReleaseLedger::Ticket ReleaseLedger::AddFrame(uint64_t frame_bytes) {
  entries_.push_back({frame_bytes, /*is_frame=*/true, /*released=*/false});
  return first_ticket_ + entries_.size() - 1;
}

ReleaseLedger::Credit ReleaseLedger::AddSkippedTail(uint64_t bytes) {
  entries_.push_back({bytes, /*is_frame=*/false, /*released=*/true});
  return CreditFromHead();
}

ReleaseLedger::Credit ReleaseLedger::Release(Ticket ticket) {
  if (ticket < first_ticket_ || ticket - first_ticket_ >= entries_.size()) {
    return {};
  }
  Entry& entry = entries_[ticket - first_ticket_];
  if (!entry.is_frame || entry.released) return {};
  entry.released = true;
  return CreditFromHead();
}

ReleaseLedger::Credit ReleaseLedger::CreditFromHead() {
  Credit credit;
  while (!entries_.empty() && entries_.front().released) {
    const Entry& head = entries_.front();
    credit.bytes += head.bytes;
    if (head.is_frame) ++credit.frames;
    entries_.pop_front();
    ++first_ticket_;
  }
  return credit;
}

}  // namespace zerobuffer
