// The writer side of the README example: connects to "example-frames" and
// sends ten 1 MiB frames, the last one written in place (zero-copy).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "zerobuffer/zerobuffer.h"

int main() {
  zerobuffer::Writer writer("example-frames");
  const std::vector<std::byte> image(1 << 20, std::byte{42});
  for (int i = 0; i < 9; ++i) writer.write_frame(image);

  uint64_t sequence = 0;
  std::span<std::byte> frame = writer.get_frame_buffer(1 << 20, sequence);
  std::fill(frame.begin(), frame.end(), std::byte{7});  // render in place
  writer.commit_frame();
  return 0;  // ~Writer disconnects; the reader then reports it gone
}
