// The shared-memory layout of protocol v1 (protocol.md section 3):
//
//   offset 0                  OIEB, 128 bytes
//   offset 128                metadata block, align64(metadata_size) bytes
//   offset 128 + metadata     payload ring, align64(payload_size) bytes
//
// All integers are little-endian. Frames in the ring are a 16-byte header
// followed by the payload, packed with no alignment.

#ifndef ZEROBUFFER_ZEROBUFFER_LAYOUT_H_
#define ZEROBUFFER_ZEROBUFFER_LAYOUT_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace zerobuffer {

static_assert(std::endian::native == std::endian::little,
              "the wire format is little-endian; a big-endian port needs "
              "byte swapping in the OIEB and frame-header accessors");

inline constexpr uint64_t kBlockAlignment = 64;
inline constexpr uint64_t kOiebSize = 128;
inline constexpr uint64_t kFrameHeaderSize = 16;
// Metadata is stored as a u64 length prefix followed by the content.
inline constexpr uint64_t kMetadataPrefixSize = 8;

// Rounds up to the 64-byte block size. Callers reject sizes near 2^64 first.
constexpr uint64_t AlignToBlock(uint64_t size) {
  return (size + kBlockAlignment - 1) & ~(kBlockAlignment - 1);
}

struct ProtocolVersion {
  uint8_t major = 1;
  uint8_t minor = 0;
  uint8_t patch = 0;
  uint8_t reserved = 0;

  // Versions with the same major number share the wire format.
  constexpr bool IsCompatibleWith(const ProtocolVersion& other) const {
    return major == other.major;
  }
};
inline constexpr ProtocolVersion kCurrentProtocolVersion{1, 0, 0, 0};

static_assert(std::is_standard_layout_v<ProtocolVersion>);
static_assert(sizeof(ProtocolVersion) == 4);

// Operation Info Exchange Block: the buffer's control block, at offset 0.
struct OIEB {
  uint32_t oieb_size;
  ProtocolVersion version;
  uint64_t metadata_size;  // align64 of the configured size
  uint64_t metadata_free_bytes;
  uint64_t metadata_written_bytes;  // 8 + content length once written
  uint64_t payload_size;            // P, align64 of the configured size
  uint64_t payload_free_bytes;      // the only field both sides modify
  uint64_t payload_write_pos;       // W, owned by the writer
  uint64_t payload_read_pos;        // R, owned by the reader
  uint64_t payload_written_count;   // frames + wrap markers written
  uint64_t payload_read_count;      // frames + wrap markers read
  uint64_t writer_pid;              // 0 when no writer is connected
  uint64_t reader_pid;              // 0 once the reader has closed
  uint64_t reserved[4];

  // The share of the ring held by frames not yet released and by the tails
  // wraps gave up: 0 when empty, 1 when full.
  double PayloadUsedFraction() const {
    return 1.0 - static_cast<double>(payload_free_bytes) /
                     static_cast<double>(payload_size);
  }
};

static_assert(std::is_standard_layout_v<OIEB>);
static_assert(std::is_trivially_copyable_v<OIEB>);
static_assert(sizeof(OIEB) == kOiebSize);
static_assert(offsetof(OIEB, oieb_size) == 0x00);
static_assert(offsetof(OIEB, version) == 0x04);
static_assert(offsetof(OIEB, metadata_size) == 0x08);
static_assert(offsetof(OIEB, metadata_free_bytes) == 0x10);
static_assert(offsetof(OIEB, metadata_written_bytes) == 0x18);
static_assert(offsetof(OIEB, payload_size) == 0x20);
static_assert(offsetof(OIEB, payload_free_bytes) == 0x28);
static_assert(offsetof(OIEB, payload_write_pos) == 0x30);
static_assert(offsetof(OIEB, payload_read_pos) == 0x38);
static_assert(offsetof(OIEB, payload_written_count) == 0x40);
static_assert(offsetof(OIEB, payload_read_count) == 0x48);
static_assert(offsetof(OIEB, writer_pid) == 0x50);
static_assert(offsetof(OIEB, reader_pid) == 0x58);
static_assert(offsetof(OIEB, reserved) == 0x60);

// The header in front of every frame. {0, 0} is a wrap marker.
struct FrameHeader {
  uint64_t payload_size;
  uint64_t sequence_number;

  constexpr bool IsWrapMarker() const { return payload_size == 0; }
};

static_assert(std::is_standard_layout_v<FrameHeader>);
static_assert(sizeof(FrameHeader) == kFrameHeaderSize);
static_assert(offsetof(FrameHeader, sequence_number) == 8);

// Where the blocks of one buffer lie in its segment.
struct SegmentLayout {
  uint64_t metadata_size = 0;  // aligned
  uint64_t payload_size = 0;   // aligned

  constexpr uint64_t metadata_offset() const { return kOiebSize; }
  constexpr uint64_t payload_offset() const {
    return kOiebSize + metadata_size;
  }
  constexpr uint64_t total_size() const {
    return kOiebSize + metadata_size + payload_size;
  }
};

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_LAYOUT_H_
