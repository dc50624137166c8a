#include "zerobuffer/duplex/duplex_server_core.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "zerobuffer/deadline.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/log.h"
#include "zerobuffer/names.h"

namespace zerobuffer::duplex {
namespace {

// How often blocked reads and writes look at the stop flag.
constexpr std::chrono::milliseconds kPollInterval{100};

size_t PoolSize(size_t requested) {
  if (requested > 0) return requested;
  return std::max<size_t>(2, std::thread::hardware_concurrency());
}

}  // namespace

DuplexServerCore::DuplexServerCore(std::string channel,
                                   const BufferConfig& config,
                                   const DuplexServerOptions& options)
    : channel_(std::move(channel)), config_(config), options_(options) {}

void DuplexServerCore::Start(Responder responder, MetadataHandler on_init,
                             ProcessingMode mode) {
  if (running()) {
    throw ZeroBufferException(
        absl::StrCat("duplex server '", channel_, "' is already running"));
  }
  if (!responder) throw ZeroBufferException("a duplex server needs a handler");
  // A server that stopped itself (it could not recreate its request
  // buffer) still has threads to join.
  Stop();
  // Synchronously, so a client may connect as soon as start() returns.
  request_reader_ = std::make_unique<Reader>(DuplexRequestBufferName(channel_),
                                             config_, options_.request_options);
  responder_ = std::move(responder);
  on_init_ = std::move(on_init);
  mode_ = mode;
  stopping_ = false;
  session_broken_ = false;
  session_initialized_ = false;
  running_ = true;
  if (mode == ProcessingMode::kSingleThread) {
    threads_.emplace_back([this] { RunSingleThread(); });
    return;
  }
  const size_t pool_size = PoolSize(options_.thread_pool_size);
  // Twice the pool keeps every handler busy while responses are written.
  sequencer_ = std::make_unique<ResponseSequencer<Response>>(2 * pool_size);
  threads_.emplace_back([this] { RunRequestReader(); });
  threads_.emplace_back([this] { RunResponseWriter(); });
  for (size_t i = 0; i < pool_size; ++i) {
    threads_.emplace_back([this] { RunHandler(); });
  }
}

void DuplexServerCore::Stop() {
  if (!running_.load()) return;
  Halt();
  // Only once no thread runs may the session's objects go.
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  queue_.clear();
  sequencer_.reset();
  response_writer_.reset();
  request_reader_.reset();
  running_ = false;
}

void DuplexServerCore::Halt() {
  {
    // Under the queue's lock, so that a handler thread between looking for
    // work and waiting for it cannot miss the wake-up.
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  if (sequencer_ != nullptr) sequencer_->Stop();
}

const Reader& DuplexServerCore::request_reader() const {
  if (request_reader_ == nullptr) {
    throw ZeroBufferException(
        absl::StrCat("duplex server '", channel_, "' is not running"));
  }
  return *request_reader_;
}

void DuplexServerCore::AddErrorHandler(ErrorHandler handler) {
  std::lock_guard lock(error_handlers_mutex_);
  error_handlers_.push_back(std::move(handler));
}

void DuplexServerCore::Report(std::exception_ptr error) {
  internal::Log(LogLevel::kWarning,
                absl::StrCat("duplex server '", channel_,
                             "': ", internal::DescribeException(error)));
  std::vector<ErrorHandler> handlers;
  {
    std::lock_guard lock(error_handlers_mutex_);
    handlers = error_handlers_;
  }
  for (const ErrorHandler& handler : handlers) handler(error);
}

std::optional<Frame> DuplexServerCore::NextRequest() {
  while (!stopping_.load()) {
    if (session_broken_.load()) {
      if (!FinishSession()) return std::nullopt;
      continue;
    }
    try {
      Frame request = request_reader_->read_frame(kPollInterval);
      if (request.valid()) return request;
    } catch (...) {
      // The client left or died (WriterDeadException), or wrote something
      // no correct client writes.
      Report(std::current_exception());
      if (!FinishSession()) return std::nullopt;
    }
  }
  return std::nullopt;
}

bool DuplexServerCore::FinishSession() {
  // Handlers and the thread writing responses use the session's reader and
  // writer until every request taken has been answered (or dropped). After
  // Stop() they may still be at it; Stop() cleans up once they are joined.
  if (sequencer_ != nullptr && !sequencer_->WaitUntilIdle()) return false;
  if (stopping_.load()) return false;
  EndSession();
  return true;
}

void DuplexServerCore::EndSession() {
  response_writer_.reset();
  session_broken_ = false;
  {
    std::lock_guard lock(session_init_mutex_);
    session_initialized_ = false;
  }
  // The protocol fixes the name, so the old buffer must be gone before the
  // fresh one can exist (duplex_server.h: clients arriving meanwhile).
  request_reader_.reset();
  try {
    request_reader_ = std::make_unique<Reader>(
        DuplexRequestBufferName(channel_), config_, options_.request_options);
  } catch (...) {
    Report(std::current_exception());
    Halt();  // without a request buffer nothing can be served
  }
}

DuplexServerCore::Response DuplexServerCore::Handle(Frame request) {
  Response response{std::move(request), std::nullopt, nullptr};
  // Nothing more is written to a broken session's client.
  if (session_broken_.load()) return response;
  try {
    {
      // Before any handler of the session runs, also with a thread pool.
      std::lock_guard lock(session_init_mutex_);
      if (!session_initialized_ && on_init_) {
        on_init_(request_reader_->metadata());
      }
      session_initialized_ = true;
    }
    response.bytes = responder_(response.request);
    if (response.bytes.has_value() && response.bytes->empty()) {
      throw ZeroBufferException(
          "the handler returned an empty response; frames cannot be empty");
    }
  } catch (...) {
    response.error = std::current_exception();
  }
  return response;
}

void DuplexServerCore::Deliver(Response& response) {
  if (session_broken_.load()) return;
  if (response.error != nullptr) {
    // Without this response the client's correlation is lost: end the
    // session loudly rather than answer the next request with it.
    BreakSession(response.error);
    return;
  }
  const std::span<const std::byte> bytes =
      response.bytes.has_value() ? std::span<const std::byte>(*response.bytes)
                                 : response.request.span();
  WriteResponse(bytes);
}

void DuplexServerCore::BreakSession(std::exception_ptr error) {
  session_broken_ = true;
  // The client's reader sees the writer leave once it has read what was
  // written; the reading thread then removes the request buffer, which
  // tells a client that never got a response at all.
  response_writer_.reset();
  Report(error);
}

bool DuplexServerCore::WriteResponse(std::span<const std::byte> bytes) {
  try {
    if (response_writer_ == nullptr) {
      // The client creates its response buffer right after connecting, so
      // it appears shortly after its first request.
      const Deadline deadline = Deadline::After(options_.timeout);
      while (response_writer_ == nullptr) {
        try {
          response_writer_ = std::make_unique<Writer>(
              DuplexResponseBufferName(channel_), options_.response_options);
        } catch (const BufferNotFoundException&) {
          // Worth waiting for only while the client that sent the request
          // is still there.
          if (deadline.Expired() || stopping_.load() ||
              !request_reader_->is_writer_connected()) {
            throw;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
      response_writer_->set_write_timeout(kPollInterval);
    }
    // A client that reads slowly holds the server back (backpressure) for
    // as long as it lives; each attempt blocks for at most kPollInterval,
    // so stop() still gets through.
    while (true) {
      try {
        uint64_t sequence = 0;
        const std::span<std::byte> slot =
            response_writer_->get_frame_buffer(bytes.size(), sequence);
        std::memcpy(slot.data(), bytes.data(), bytes.size());
        break;
      } catch (const FrameNeverFitsException& never) {
        throw FrameNeverFitsException(absl::StrCat(
            "the ", bytes.size(),
            "-byte response can never be written to the client's response "
            "buffer, so the session ends (",
            never.what(), ")"));
      } catch (const BufferFullException&) {
        if (stopping_.load()) return false;
      }
    }
    // Counted before the client can see the response.
    ++responses_written_;
    response_writer_->commit_frame();
    return true;
  } catch (...) {
    BreakSession(std::current_exception());
    return false;
  }
}

void DuplexServerCore::RunSingleThread() {
  while (std::optional<Frame> request = NextRequest()) {
    Response response = Handle(*std::move(request));
    Deliver(response);
  }
}

void DuplexServerCore::RunRequestReader() {
  while (std::optional<Frame> request = NextRequest()) {
    std::optional<uint64_t> number = sequencer_->Reserve();
    if (!number.has_value()) return;
    std::lock_guard lock(queue_mutex_);
    queue_.emplace_back(*number, *std::move(request));
    queue_changed_.notify_one();
  }
}

void DuplexServerCore::RunHandler() {
  while (true) {
    std::pair<uint64_t, Frame> work;
    {
      std::unique_lock lock(queue_mutex_);
      queue_changed_.wait(
          lock, [this] { return stopping_.load() || !queue_.empty(); });
      if (stopping_.load()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    Response response = Handle(std::move(work.second));
    if (response.bytes.has_value()) {
      response.request.release();  // its bytes are no longer needed
    }
    sequencer_->Complete(work.first, std::move(response));
  }
}

void DuplexServerCore::RunResponseWriter() {
  while (sequencer_->DeliverNext(
      [this](Response& response) { Deliver(response); })) {
  }
}

}  // namespace zerobuffer::duplex
