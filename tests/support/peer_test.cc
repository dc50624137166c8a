#include "tests/support/peer_test.h"

#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace zerobuffer::testing {

void PeerTest::TearDown() {
  for (PeerProcess& peer : peers_) {
    const absl::Status finished = peer.Finish();
    EXPECT_TRUE(finished.ok()) << finished;
  }
  peers_.clear();
  LeakCheckedTest::TearDown();
}

PeerProcess& PeerTest::StartPeer() {
  absl::StatusOr<PeerProcess> peer = PeerProcess::Start();
  if (!peer.ok()) {
    // Fails the test (gtest reports the exception) and unwinds the test
    // body; TearDown still finishes the peers started before.
    throw std::runtime_error(
        absl::StrCat("cannot start a peer: ", peer.status().ToString()));
  }
  peers_.push_back(*std::move(peer));
  return peers_.back();
}

namespace {

std::string AnswerOrReason(const absl::StatusOr<std::string>& reply) {
  return reply.ok() ? *reply : reply.status().ToString();
}

}  // namespace

std::string PeerTest::Ask(PeerProcess& peer, const std::string& command) {
  return AnswerOrReason(peer.Send(command));
}

std::string PeerTest::AwaitAnswer(PeerProcess& peer, absl::Duration timeout) {
  return AnswerOrReason(peer.AwaitReply(timeout));
}

}  // namespace zerobuffer::testing
