// ThreadSanitizer suppressions for races it reports inside libraries that
// Debian does not build with -fsanitize=thread, so that their own locking
// is invisible to it. The TSan runtime calls this hook when a binary is
// built with --config=tsan; other builds never call it. It is compiled
// into every binary that links abseil, spawned helper processes included,
// which a suppressions file named in TSAN_OPTIONS could not reach.

extern "C" const char* __tsan_default_suppressions() {
  return
      // abseil's StrError fills a shared table of errno texts under its
      // own synchronisation (absl::ErrnoToStatus uses it).
      "race:absl::*::base_internal::StrError\n"
      // glibc's table of open named semaphores (sem_open/sem_close); its
      // internal symbols carry prefixes such as __GI_.
      "race:*sem_check_add_mapping*\n"
      "race:*sem_remove_mapping*\n"
      "race:*tsearch*\n"
      "race:*tdelete*\n"
      "race:*tfind*\n";
}
