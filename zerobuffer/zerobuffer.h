// ZeroBuffer: a zero-copy shared-memory ring buffer for streaming frames
// between processes, wire-compatible with the C#, Python and upstream C++
// implementations (protocol v1).
//
//   zerobuffer::Reader reader("camera-0", zerobuffer::BufferConfig(1024, 1 <<
//   20)); zerobuffer::Writer writer("camera-0");       // in another process
//   writer.write_frame(bytes.data(), bytes.size());
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
