#include "zerobuffer/duplex/duplex_client.h"

#include <chrono>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "zerobuffer/deadline.h"
#include "zerobuffer/errors.h"
#include "zerobuffer/names.h"

namespace zerobuffer::duplex {
namespace {

// How long a new client waits for a server to recycle the request buffer of
// its previous client, and how long for a request buffer that is briefly
// absent (removed, not yet re-created) while that happens.
constexpr std::chrono::seconds kRecycleWait{5};
constexpr std::chrono::milliseconds kAbsentGrace{250};

// While waiting for a response, how often the server's liveness is checked.
constexpr std::chrono::milliseconds kServerCheckInterval{100};

// A server gives every client a fresh request buffer (one no client has
// written to). Right after a client leaves, the old buffer lingers until
// the server notices; requests written there would be lost with it.
Writer ConnectToFreshRequestBuffer(const std::string& channel,
                                   const WriterOptions& options) {
  const Deadline absent_deadline = Deadline::After(kAbsentGrace);
  const Deadline recycle_deadline = Deadline::After(kRecycleWait);
  bool recycling = false;
  while (true) {
    try {
      Writer writer(DuplexRequestBufferName(channel), options);
      const OIEB oieb = writer.oieb_snapshot();
      if (oieb.payload_written_count == 0 && oieb.metadata_written_bytes == 0) {
        return writer;
      }
      writer.close();
      recycling = true;
    } catch (const ZeroBufferException& error) {
      // The old buffer loses its reader, then its name, before the new one
      // appears; anything else, or a buffer absent for long, is final.
      const bool transient = error.code() == ErrorCode::kBufferNotFound ||
                             error.code() == ErrorCode::kReaderDead;
      if (!transient || (!recycling && absent_deadline.Expired())) throw;
    }
    if (recycle_deadline.Expired()) {
      throw ZeroBufferException(absl::StrCat(
          "duplex server '", channel,
          "' still holds the request buffer of its previous client"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

DuplexClient::DuplexClient(const std::string& channel,
                           const BufferConfig& response_config,
                           const ReaderOptions& response_options,
                           const WriterOptions& request_options)
    : channel_(channel),
      request_writer_(ConnectToFreshRequestBuffer(channel, request_options)),
      response_reader_(DuplexResponseBufferName(channel), response_config,
                       response_options) {}

DuplexClient::~DuplexClient() { request_writer_.close(); }

uint64_t DuplexClient::send_request(std::span<const std::byte> data) {
  uint64_t sequence = 0;
  const std::span<std::byte> buffer =
      request_writer_.get_frame_buffer(data.size(), sequence);
  if (!data.empty()) std::memcpy(buffer.data(), data.data(), data.size());
  request_writer_.commit_frame();
  return sequence;
}

std::span<std::byte> DuplexClient::acquire_request_buffer(
    size_t size, uint64_t& sequence_number) {
  std::span<std::byte> buffer =
      request_writer_.get_frame_buffer(size, sequence_number);
  pending_sequence_ = sequence_number;
  return buffer;
}

uint64_t DuplexClient::commit_request() {
  request_writer_.commit_frame();
  return pending_sequence_;
}

Frame DuplexClient::receive_response(std::chrono::milliseconds timeout) {
  // The response buffer alone cannot tell a server that died before it
  // ever answered from one that is still working; the request buffer can.
  const Deadline deadline = Deadline::After(timeout);
  while (true) {
    Frame response = response_reader_.read_frame(
        std::chrono::duration_cast<std::chrono::milliseconds>(
            absl::ToChronoNanoseconds(
                deadline.RemainingAtMost(kServerCheckInterval))));
    if (response.valid()) return response;
    if (!request_writer_.is_reader_connected()) {
      throw WriterDeadException(absl::StrCat("the server of duplex channel '",
                                             channel_,
                                             "' is gone and left no response"));
    }
    if (deadline.Expired()) return response;
  }
}

bool DuplexClient::is_server_connected() const {
  return request_writer_.is_reader_connected();
}

void DuplexClient::set_metadata(std::span<const std::byte> metadata) {
  request_writer_.set_metadata(metadata);
}

bool DuplexClient::wait_exists(const std::string& channel,
                               std::chrono::milliseconds timeout) {
  return Reader::wait_exists(DuplexRequestBufferName(channel), timeout);
}

}  // namespace zerobuffer::duplex
