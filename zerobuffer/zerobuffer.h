// ZeroBuffer: a zero-copy shared-memory ring buffer for streaming frames
// between processes, wire-compatible with the C#, Python and upstream C++
// implementations (protocol v1).
//
//   // Process A creates the buffer:
//   zerobuffer::Reader reader("camera-0",
//                             zerobuffer::BufferConfig(1024, 1 << 20));
//
//   // Process B connects to it and writes a frame:
//   zerobuffer::Writer writer("camera-0");
//   writer.write_frame(bytes.data(), bytes.size());
//
//   // Process A reads the frame in place:
//   zerobuffer::Frame frame = reader.read_frame(std::chrono::seconds(5));

#ifndef ZEROBUFFER_ZEROBUFFER_ZEROBUFFER_H_
#define ZEROBUFFER_ZEROBUFFER_ZEROBUFFER_H_

#include "zerobuffer/config.h"  // IWYU pragma: export
#include "zerobuffer/errors.h"  // IWYU pragma: export
#include "zerobuffer/frame.h"   // IWYU pragma: export
#include "zerobuffer/layout.h"  // IWYU pragma: export
#include "zerobuffer/log.h"     // IWYU pragma: export
#include "zerobuffer/reader.h"  // IWYU pragma: export
#include "zerobuffer/writer.h"  // IWYU pragma: export

#endif  // ZEROBUFFER_ZEROBUFFER_ZEROBUFFER_H_
