// Helper for process_test: creates the shared-memory segment named in argv[1]
// and then calls platform::DieAbruptly(). Everything an orderly exit would
// do is armed to undo a visible effect, so the test can tell that none of it
// ran: a destructor and an atexit handler each unlink the segment, and
// stdout (a pipe, hence fully buffered) holds unflushed text.

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "platform/process.h"
#include "platform/shared_memory.h"

namespace {

std::string* segment_name = nullptr;

void UnlinkAtExit() {
  zerobuffer::platform::SharedMemory::Unlink(*segment_name).IgnoreError();
}

struct UnlinkOnDestruction {
  ~UnlinkOnDestruction() { UnlinkAtExit(); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SEGMENT_NAME\n", argv[0]);
    return 2;
  }
  segment_name = new std::string(argv[1]);
  auto segment =
      zerobuffer::platform::SharedMemory::CreateExclusive(*segment_name, 4096);
  if (!segment.ok()) {
    std::fprintf(stderr, "%s\n", segment.status().ToString().c_str());
    return 1;
  }
  std::memcpy(segment->data(), "alive", 5);
  std::atexit(UnlinkAtExit);
  const UnlinkOnDestruction guard;
  std::fputs("unflushed output", stdout);
  zerobuffer::platform::DieAbruptly();
}
