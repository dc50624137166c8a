// The physical buffer name behind a name written in a scenario
// (step-catalog 2.1): <name>_<HARMONY_HOST_PID>_<HARMONY_FEATURE_ID>, the
// formula of every upstream serve, so that a C++ reader and a Python or C#
// writer of the same scenario meet at the same buffer.

#ifndef ZEROBUFFER_STEPS_SUPPORT_ISOLATION_NAMES_H_
#define ZEROBUFFER_STEPS_SUPPORT_ISOLATION_NAMES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace zerobuffer::steps {

class IsolationNames {
 public:
  // Takes the host PID and feature id from HARMONY_HOST_PID and
  // HARMONY_FEATURE_ID.
  IsolationNames();

  // The values of Harmony's initialize request, used only where the
  // environment gave none: the upstream serves name buffers from the
  // environment alone, and a C++ process must meet them at the same name
  // even if a tool sent other values in initialize.
  void Configure(uint64_t host_pid, uint64_t feature_id);

  // Cached, so every step of a process sees one name. Without a host PID
  // and feature id the suffix is this process's PID and the time of first
  // use: unique, but shared with no other process.
  std::string For(const std::string& name);

  // Forgets cached names (a new scenario).
  void Clear() { names_.clear(); }

 private:
  std::optional<uint64_t> host_pid_;
  std::optional<uint64_t> feature_id_;
  std::map<std::string, std::string> names_;
};

}  // namespace zerobuffer::steps

#endif  // ZEROBUFFER_STEPS_SUPPORT_ISOLATION_NAMES_H_
