// The fixture of tests that drive zb_peer processes: peers are started on
// demand and finished (stdin closed, exit awaited, so they release their
// buffers) before the leak check of LeakCheckedTest.

#ifndef ZEROBUFFER_TESTS_SUPPORT_PEER_TEST_H_
#define ZEROBUFFER_TESTS_SUPPORT_PEER_TEST_H_

#include <deque>
#include <string>

#include "absl/time/time.h"
#include "tests/support/leak_checked_test.h"
#include "tests/support/peer_process.h"

namespace zerobuffer::testing {

class PeerTest : public LeakCheckedTest {
 protected:
  void TearDown() override;

  PeerProcess& StartPeer();

  // Sends `command` and returns the peer's answer ("ok ..." or
  // "error ..."), or the reason there was none.
  static std::string Ask(PeerProcess& peer, const std::string& command);
  // The answer to a command sent earlier with Post, or the reason there was
  // none.
  static std::string AwaitAnswer(PeerProcess& peer,
                                 absl::Duration timeout = absl::Seconds(30));

 private:
  std::deque<PeerProcess> peers_;
};

}  // namespace zerobuffer::testing

#endif  // ZEROBUFFER_TESTS_SUPPORT_PEER_TEST_H_
