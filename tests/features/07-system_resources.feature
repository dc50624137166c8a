# Our scenario suite for feature 07, in upstream's sentences. Upstream's 7.2
# (exhausting the machine's shared-memory segments), which Harmony never
# runs, is left out: Linux counts no segments, so the limit is what the
# /dev/shm file system holds, which every process on the machine shares,
# and reaching it would break whatever else runs. Harmony never runs 7.1
# either; our runner runs it in one process.
Feature: System resources
    How a buffer uses the operating system's resources: what a reader sees
    of a record published through shared memory, whether large frames survive
    byte for byte, and what a creation that fails halfway leaves behind.

    Background:
        Given the test environment is initialized
        And all processes are ready

    # Never run by Harmony (no step names a process). The creation is
    # attempted once a directory blocks sem-w's file in /dev/shm.
    Scenario: 7.1 A creation that fails on its semaphore leaves nothing behind
        Given attempt to create buffer 'test-partial-init' with default config
        And the test simulates semaphore creation failure

        Then the buffer creation should fail
        And the shared memory should be cleaned up
        And no resources should be leaked

    # The record spans 65 cache lines and is filled in place; only the
    # commit publishes it.
    Scenario: 7.3 A record published in place is seen whole
        Given the 'reader' process creates buffer 'test-memory-barrier' with default config

        When the 'writer' process connects to buffer 'test-memory-barrier'
        And the 'writer' process writes complex structure with multiple fields
        And the system ensures memory barriers are in place

        Then the 'reader' process should read structure after semaphore signal
        And all fields should be fully visible
        And no partially visible writes should occur

    # 1 B to 10 MiB, all queued before the first read (the default ring is
    # 32 MiB).
    Scenario: 7.4 Frames from one byte to ten mebibytes arrive byte for byte
        Given the 'reader' process creates buffer 'test-pattern' with default config

        When the 'writer' process connects to buffer 'test-pattern'
        And the 'writer' process writes frame with size '1' using incrementing pattern
        And the 'writer' process writes frame with size '1024' using incrementing pattern
        And the 'writer' process writes frame with size '1048576' using incrementing pattern
        And the 'writer' process writes frame with size '10485760' using incrementing pattern

        Then the 'reader' process should validate each byte matches expected pattern
        And no data corruption should be detected
