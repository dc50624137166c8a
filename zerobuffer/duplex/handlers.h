// What a duplex server calls, and how it processes requests.

#ifndef ZEROBUFFER_ZEROBUFFER_DUPLEX_HANDLERS_H_
#define ZEROBUFFER_ZEROBUFFER_DUPLEX_HANDLERS_H_

#include <cstddef>
#include <exception>
#include <functional>
#include <span>
#include <vector>

#include "zerobuffer/frame.h"

namespace zerobuffer::duplex {

// Answers one request. The request is a read-only view into shared memory;
// the returned bytes (at least one) are the response. The server writes
// exactly one response per request, in request order, which is how a
// client correlates them (protocol.md 11.1).
using ImmutableHandler = std::function<std::vector<std::byte>(const Frame&)>;

// Transforms one request in place; the transformed bytes are the response.
// No intermediate buffer: the response is written straight from the
// request's shared memory.
using MutableHandler = std::function<void(std::span<std::byte> request)>;

// Called once per client session, before its first request is handled,
// with the metadata the client wrote (possibly empty).
using MetadataHandler = std::function<void(std::span<const std::byte>)>;

// Told about errors the server recovers from (a handler that threw, a
// client that died); called on a server thread.
using ErrorHandler = std::function<void(std::exception_ptr)>;

enum class ProcessingMode {
  // One request at a time on one thread, as upstream.
  kSingleThread,
  // Requests handled concurrently on a pool of threads; responses are still
  // written in request order.
  kThreadPool,
  // The upstream names (C# ProcessingMode, api-surface.md 6.4).
  SingleThread = kSingleThread,
  ThreadPool = kThreadPool,
};

}  // namespace zerobuffer::duplex

#endif  // ZEROBUFFER_ZEROBUFFER_DUPLEX_HANDLERS_H_
