// A hint to the CPU that the caller is spinning, so a sibling hyperthread
// (or the peer it waits for) gets the core's resources meanwhile.

#ifndef ZEROBUFFER_ZEROBUFFER_CPU_RELAX_H_
#define ZEROBUFFER_ZEROBUFFER_CPU_RELAX_H_

namespace zerobuffer {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

}  // namespace zerobuffer

#endif  // ZEROBUFFER_ZEROBUFFER_CPU_RELAX_H_
