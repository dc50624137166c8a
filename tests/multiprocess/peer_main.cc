// zb_peer: the other process of the multi-process tests. It reads one
// command per line on stdin and answers one line on stdout:
//
//   create NAME METADATA_SIZE PAYLOAD_SIZE   become the reader of NAME
//   connect NAME                             become the writer of NAME
//   metadata SIZE                            write SIZE bytes of metadata
//   write COUNT SIZE [DELAY_MS]              write COUNT pattern frames
//   write_zero_copy SIZE                     one frame filled in place
//   timeout MS                               set the write timeout
//   read COUNT TIMEOUT_MS [DELAY_MS]         read and check COUNT frames
//   close                                    close the reader and writer
//
//   serve CHANNEL single|pool DELAY_MS       run an echo duplex server whose
//                                            handler takes DELAY_MS (pool:
//                                            DELAY_MS minus 5 x (seq % 8))
//   server_errors                            errors the server reported
//   client CHANNEL                           become a duplex client
//   send COUNT SIZE                          send COUNT pattern requests
//   receive COUNT TIMEOUT_MS                 receive and check COUNT echoes
//
// Answers are "ok[ DETAIL]" or "error CODE MESSAGE", CODE being the
// library's ErrorCodeName (or Usage, Timeout, Mismatch). Frames carry the
// pattern (i + sequence) % 256; reads check sequences and patterns and release
// each frame. The process exits when stdin closes.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "steps/duplex/echo.h"
#include "steps/support/data_patterns.h"
#include "zerobuffer/duplex/duplex_client.h"
#include "zerobuffer/duplex/duplex_server.h"
#include "zerobuffer/zerobuffer.h"

namespace zerobuffer::testing {
namespace {

// A command that cannot be carried out as asked.
struct UsageError {
  std::string message;
};

uint64_t Number(const std::vector<std::string>& words, size_t index,
                std::optional<uint64_t> fallback = std::nullopt) {
  uint64_t value = 0;
  if (index < words.size() && absl::SimpleAtoi(words[index], &value)) {
    return value;
  }
  if (index >= words.size() && fallback.has_value()) return *fallback;
  throw UsageError{absl::StrCat("argument ", index, " must be a number")};
}

class Peer {
 public:
  std::string Execute(const std::vector<std::string>& words) {
    const std::string& verb = words[0];
    if (verb == "create") {
      reader_.emplace(words.at(1),
                      BufferConfig(Number(words, 2), Number(words, 3)));
      return "ok";
    }
    if (verb == "connect") {
      writer_.emplace(words.at(1));
      return "ok";
    }
    if (verb == "metadata") {
      TheWriter().set_metadata(steps::MakePattern(Number(words, 1), 0));
      return "ok";
    }
    if (verb == "write") return Write(words);
    if (verb == "write_zero_copy") {
      uint64_t sequence = 0;
      const std::span<std::byte> buffer =
          TheWriter().get_frame_buffer(Number(words, 1), sequence);
      steps::FillPattern(buffer, sequence);
      TheWriter().commit_frame();
      return absl::StrCat("ok ", sequence);
    }
    if (verb == "timeout") {
      TheWriter().set_write_timeout(
          std::chrono::milliseconds(Number(words, 1)));
      return "ok";
    }
    if (verb == "read") return Read(words);
    if (verb == "close") {
      reader_.reset();
      writer_.reset();
      return "ok";
    }
    if (verb == "serve") return Serve(words);
    if (verb == "server_errors")
      return absl::StrCat("ok ", server_errors_.load());
    if (verb == "client") {
      client_.emplace(words.at(1), BufferConfig(0, 1 << 20));
      return "ok";
    }
    if (verb == "send") {
      const uint64_t count = Number(words, 1);
      for (uint64_t i = 0; i < count; ++i) {
        const uint64_t sequence = TheClient().send_request(
            steps::MakePattern(Number(words, 2), next_request_));
        if (sequence != next_request_++) {
          return absl::StrCat("error Mismatch request sequence ", sequence);
        }
      }
      return absl::StrCat("ok ", count);
    }
    if (verb == "receive") return Receive(words);
    throw UsageError{absl::StrCat("unknown command '", verb, "'")};
  }

 private:
  duplex::DuplexClient& TheClient() {
    if (!client_.has_value()) throw UsageError{"not a duplex client"};
    return *client_;
  }

  std::string Serve(const std::vector<std::string>& words) {
    const bool pool = words.at(2) == "pool";
    const uint64_t delay_ms = Number(words, 3);
    server_.emplace(words.at(1), BufferConfig(4096, 1 << 20));
    server_->add_error_handler(
        [this](std::exception_ptr) { ++server_errors_; });
    server_->start(
        [pool, delay_ms](const Frame& request) {
          // In a pool, later requests finish first.
          const uint64_t skew = pool ? 5 * (request.sequence() % 8) : 0;
          std::this_thread::sleep_for(
              std::chrono::milliseconds(delay_ms > skew ? delay_ms - skew : 0));
          return steps::duplex_steps::Echo(request);
        },
        nullptr,
        pool ? duplex::ProcessingMode::kThreadPool
             : duplex::ProcessingMode::kSingleThread);
    return "ok";
  }

  // Echoes of the requests numbered from next_response_, in order.
  std::string Receive(const std::vector<std::string>& words) {
    const uint64_t count = Number(words, 1);
    const std::chrono::milliseconds timeout(Number(words, 2));
    for (uint64_t i = 0; i < count; ++i) {
      Frame response = TheClient().receive_response(timeout);
      if (!response.valid()) {
        return absl::StrCat("error Timeout no response after ", i);
      }
      if (response.sequence() != next_response_) {
        return absl::StrCat("error Mismatch response ", response.sequence(),
                            ", expected ", next_response_);
      }
      if (steps::FindPatternMismatch(response.span(), next_response_)) {
        return absl::StrCat("error Mismatch response ", next_response_,
                            " is not the echo of its request");
      }
      ++next_response_;
    }
    return absl::StrCat("ok ", count);
  }

  Writer& TheWriter() {
    if (!writer_.has_value()) throw UsageError{"not connected as a writer"};
    return *writer_;
  }

  Reader& TheReader() {
    if (!reader_.has_value()) throw UsageError{"no buffer created"};
    return *reader_;
  }

  std::string Write(const std::vector<std::string>& words) {
    const uint64_t count = Number(words, 1);
    const uint64_t size = Number(words, 2);
    const std::chrono::milliseconds delay(Number(words, 3, 0));
    Writer& writer = TheWriter();
    std::vector<std::byte> frame(size);
    for (uint64_t i = 0; i < count; ++i) {
      // Sequences count from 1 per writer session.
      steps::FillPattern(frame, writer.frames_written() + 1);
      writer.write_frame(frame);
      std::this_thread::sleep_for(delay);
    }
    return absl::StrCat("ok ", count);
  }

  std::string Read(const std::vector<std::string>& words) {
    const uint64_t count = Number(words, 1);
    const std::chrono::milliseconds timeout(Number(words, 2));
    const std::chrono::milliseconds delay(Number(words, 3, 0));
    Reader& reader = TheReader();
    for (uint64_t i = 0; i < count; ++i) {
      Frame frame = reader.read_frame(timeout);
      if (!frame.valid()) {
        return absl::StrCat("error Timeout no frame after ", i, " frames");
      }
      if (frame.sequence() != next_sequence_) {
        return absl::StrCat("error Mismatch sequence ", frame.sequence(),
                            ", expected ", next_sequence_);
      }
      if (auto bad =
              steps::FindPatternMismatch(frame.span(), frame.sequence())) {
        return absl::StrCat("error Mismatch frame ", frame.sequence(),
                            " differs at byte ", *bad);
      }
      ++next_sequence_;
      frame.release();
      std::this_thread::sleep_for(delay);
    }
    return absl::StrCat("ok ", count);
  }

  std::optional<Reader> reader_;
  std::optional<Writer> writer_;
  uint64_t next_sequence_ = 1;
  std::optional<duplex::ImmutableDuplexServer> server_;
  std::atomic<int> server_errors_{0};
  std::optional<duplex::DuplexClient> client_;
  uint64_t next_request_ = 1;
  uint64_t next_response_ = 1;
};

}  // namespace
}  // namespace zerobuffer::testing

int main() {
  zerobuffer::testing::Peer peer;
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::vector<std::string> words =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words.empty()) continue;
    std::string answer;
    try {
      answer = peer.Execute(words);
    } catch (const zerobuffer::ZeroBufferException& error) {
      answer = absl::StrCat("error ", zerobuffer::ErrorCodeName(error.code()),
                            " ", error.what());
    } catch (const zerobuffer::testing::UsageError& error) {
      answer = absl::StrCat("error Usage ", error.message);
    } catch (const std::exception& error) {
      answer = absl::StrCat("error Usage ", error.what());
    }
    std::cout << answer << std::endl;
  }
  return 0;
}
