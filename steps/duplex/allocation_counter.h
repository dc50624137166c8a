// Counts the heap allocations one thread makes while a counter is alive:
// how "no memory allocations in send path" (13.7) is measured rather than
// assumed.
//
// The count comes from a replacement of the global operator new family
// (allocation_counter.cc). It only ever adds a thread-local increment to an
// allocation; memory still comes from malloc and goes back to free, so
// sanitizers keep seeing matching calls.

#ifndef ZEROBUFFER_STEPS_DUPLEX_ALLOCATION_COUNTER_H_
#define ZEROBUFFER_STEPS_DUPLEX_ALLOCATION_COUNTER_H_

#include <cstdint>

namespace zerobuffer::steps::duplex_steps {

class AllocationCounter {
 public:
  // Starts counting the allocations of the calling thread.
  AllocationCounter();
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  // Allocations by this thread since construction (nested counters each
  // see all of them).
  uint64_t count() const;

 private:
  uint64_t start_;
};

}  // namespace zerobuffer::steps::duplex_steps

#endif  // ZEROBUFFER_STEPS_DUPLEX_ALLOCATION_COUNTER_H_
