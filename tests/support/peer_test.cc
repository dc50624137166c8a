#include "tests/support/peer_test.h"

#include "gtest/gtest.h"

namespace zerobuffer::testing {

void PeerTest::TearDown() {
  for (PeerProcess& peer : peers_) peer.Finish();
  peers_.clear();
  LeakCheckedTest::TearDown();
}

PeerProcess& PeerTest::StartPeer() {
  absl::StatusOr<PeerProcess> peer = PeerProcess::Start();
  EXPECT_TRUE(peer.ok()) << peer.status();
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
