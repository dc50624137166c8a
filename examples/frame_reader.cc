// The reader side of the README example: creates buffer "example-frames",
// then prints the size and sequence number of every frame until the writer
// leaves.

#include <chrono>
#include <iostream>

#include "zerobuffer/zerobuffer.h"

int main() {
  zerobuffer::Reader reader("example-frames",
                            zerobuffer::BufferConfig(/*metadata=*/1024,
                                                     /*payload=*/16 << 20));
  try {
    while (true) {
      zerobuffer::Frame frame = reader.read_frame(std::chrono::seconds(5));
      if (!frame.valid()) continue;  // no frame yet
      std::cout << "frame " << frame.sequence() << ": " << frame.size()
                << " bytes\n";
    }  // each frame's space goes back to the writer here
  } catch (const zerobuffer::WriterDeadException&) {
    std::cout << "writer left\n";
  }
  return 0;  // ~Reader removes the buffer
}
