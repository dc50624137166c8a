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

std::string PeerTest::Ask(PeerProcess& peer, const std::string& command) {
  absl::StatusOr<std::string> reply = peer.Send(command);
  return reply.ok() ? *reply : reply.status().ToString();
}

}  // namespace zerobuffer::testing
