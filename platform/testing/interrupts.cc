#include "platform/testing/interrupts.h"

#include <pthread.h>
#include <signal.h>

#include <cstring>

namespace zerobuffer::platform::testing {
namespace {

std::atomic<int64_t> handled{0};

void CountSignal(int) { handled.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

ThreadHandle CurrentThread() {
  static_assert(sizeof(pthread_t) <= sizeof(ThreadHandle));
  return static_cast<ThreadHandle>(pthread_self());
}

SignalStorm::SignalStorm(ThreadHandle target, absl::Duration interval) {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = CountSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: interrupted calls fail with EINTR
  sigaction(SIGUSR1, &action, nullptr);
  sender_ = std::thread([this, target, interval] {
    while (!stop_.load()) {
      pthread_kill(static_cast<pthread_t>(target), SIGUSR1);
      std::this_thread::sleep_for(absl::ToChronoNanoseconds(interval));
    }
  });
}

SignalStorm::~SignalStorm() {
  stop_.store(true);
  sender_.join();
  // Signals still in flight must find a handler; the count stays.
}

int64_t SignalStorm::signals_handled() {
  return handled.load(std::memory_order_relaxed);
}

}  // namespace zerobuffer::platform::testing
