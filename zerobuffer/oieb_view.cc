#include "zerobuffer/oieb_view.h"

namespace zerobuffer {

OIEB OiebView::Snapshot() const {
  OIEB copy{};
  // The size and version are written once, before the reader publishes its
  // PID, so plain reads after the acquire loads below are ordered.
  copy.reader_pid = Load(&OIEB::reader_pid);
  copy.oieb_size = oieb_->oieb_size;
  copy.version = oieb_->version;
  copy.metadata_size = Load(&OIEB::metadata_size);
  copy.metadata_free_bytes = Load(&OIEB::metadata_free_bytes);
  copy.metadata_written_bytes = Load(&OIEB::metadata_written_bytes);
  copy.payload_size = Load(&OIEB::payload_size);
  copy.payload_free_bytes = Load(&OIEB::payload_free_bytes);
  copy.payload_write_pos = Load(&OIEB::payload_write_pos);
  copy.payload_read_pos = Load(&OIEB::payload_read_pos);
  copy.payload_written_count = Load(&OIEB::payload_written_count);
  copy.payload_read_count = Load(&OIEB::payload_read_count);
  copy.writer_pid = Load(&OIEB::writer_pid);
  for (size_t i = 0; i < 4; ++i) {
    copy.reserved[i] = std::atomic_ref<uint64_t>(oieb_->reserved[i])
                           .load(std::memory_order_acquire);
  }
  return copy;
}

void OiebView::Initialize(const SegmentLayout& layout,
                          uint64_t reader_pid) const {
  oieb_->oieb_size = kOiebSize;
  oieb_->version = kCurrentProtocolVersion;
  oieb_->metadata_size = layout.metadata_size;
  oieb_->metadata_free_bytes = layout.metadata_size;
  oieb_->payload_size = layout.payload_size;
  oieb_->payload_free_bytes = layout.payload_size;
  Store(&OIEB::reader_pid, reader_pid);
}

}  // namespace zerobuffer
