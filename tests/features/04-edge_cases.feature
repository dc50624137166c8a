# Our scenario suite for edge cases. Sentences, keywords and step order are
# the ones the upstream Harmony feature file sends (routing depends on
# them); scenario numbers follow upstream feature 04.
#
# One value differs from upstream: in 4.8 the second frame is 6144 bytes,
# not 7168. After a 6144-byte frame the write position is 6160 in the
# 10240-byte ring, so a frame must wrap, and a wrapped frame of T bytes
# (header included) fits only when T <= 6160: it must not cover the wrap
# marker at 6160 before the reader has seen it (protocol.md 6.2). A 7168-byte
# frame (7184 bytes) can never be placed there, however much the reader
# frees, and the library says so at once.
#
# Harmony never runs 4.11 and 4.12 (no step names a process); our runner
# runs each in one process.
Feature: Edge cases at the limits of the ring
    Frames of extreme and alternating sizes, a ring filled exactly, wraps to
    the start of the ring, signals piling up in the counting semaphore, and
    writers faster than their readers.

    Background:

    Scenario: 4.1 A large frame after a large and a small one waits to wrap
        Given the 'reader' process creates buffer 'test-alternating' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-alternating'
        And the 'writer' process writes large frame using '90%' of buffer
        And the 'writer' process writes small frame of '1' byte
        # The second large frame has to wrap, and no reader consumes: it
        # waits in the background for the rest of the scenario.
        And the 'writer' process attempts to write large frame again

        Then the 'writer' process proper wrap-around handling should occur
        And the 'writer' process no deadlocks should happen

    Scenario: 4.2 Ten unread frames are ten semaphore signals
        Given the 'reader' process creates buffer 'test-coalesce' with default config

        When the 'writer' process connects to buffer 'test-coalesce'
        And the 'writer' process writes '10' frames rapidly without reader consuming

        Then the 'writer' process the semaphore count should represent pending frames

        When the 'reader' process wakes and processes all frames

        Then the 'reader' process all frames should be read correctly
        And the 'reader' process the coalesced signals should be handled properly

    Scenario: 4.3 A buffer without a metadata block still carries frames
        Given the 'reader' process creates buffer 'test-zero-metadata' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-zero-metadata'
        And the 'writer' process attempts to write metadata

        Then the 'writer' process metadata write should fail appropriately

        When the 'writer' process writes frame without metadata

        Then the 'writer' process should verify frame write succeeded
        And the 'reader' process should verify system works correctly without metadata

    Scenario: 4.4 A 64-byte ring takes one byte but not 49
        Given the 'reader' process creates buffer 'test-minimum' with minimum viable size '64'

        When the 'writer' process connects to buffer 'test-minimum'
        And the 'writer' process writes single byte frame

        Then the 'writer' process should verify write succeeded

        # 16 header bytes + 49 exceed the 64-byte ring.
        When the 'writer' process attempts to write '49' byte frame

        Then the 'writer' process should receive FrameTooLargeException

    Scenario: 4.5 A writer faster than a paced reader is held back, losing nothing
        Given the 'reader' process creates buffer 'test-reader-slower' with metadata size '0' and payload size '1024'

        When the 'writer' process connects to buffer 'test-reader-slower'
        And the 'writer' process writes continuously at high speed

        When the 'reader' process reads with '50' ms delay per frame
        And the 'reader' process the test runs for '100' frames

        Then the 'reader' process should receive all frames without loss

        Then the 'writer' process should block appropriately
        And the 'writer' process flow control should work correctly

    Scenario: 4.6 One frame fills the ring exactly
        Given the 'reader' process creates buffer 'test-exact-fit' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-exact-fit'
        # 10224 + 16 header bytes = 10240.
        And the 'writer' process writes frame with exact size '10224'

        Then buffer should be completely full
        And no more writes should be possible

        When the 'reader' process reads frame
        Then the frame should have size '10224'

        When the 'reader' process signals space available
        Then the 'writer' process should be able to write again

    Scenario: 4.7 Empty frames are refused and a 1-byte frame costs 16 more
        Given the 'reader' process creates buffer 'test-min-frame' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-min-frame'
        And the 'writer' process attempts to write frame with size '0'

        Then the 'writer' process should fail with zero size error

        When the 'writer' process writes frame with size '1'

        Then the 'reader' process should read frame with size '1'
        And frame overhead should be '16' bytes

    Scenario: 4.8 A frame too big for the end of the ring goes to its start
        Given the 'reader' process creates buffer 'test-wrap' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-wrap'
        And the 'writer' process writes frame with size '6144'

        Then the 'reader' process should read frame with size '6144'
        When the 'reader' process signals space available
        # Only 4080 bytes are left before the end: the frame wraps to offset
        # 0, and the wasted tail plus the frame leave no room at all.
        And the 'writer' process writes frame with size '6144'

        Then the 'writer' process should wait for space

        When the 'reader' process signals space available

        Then the 'writer' process should complete write at buffer start

    Scenario: 4.9 A fast writer and reader exchange 10000 frames without a gap
        Given the 'reader' process creates buffer 'test-rapid' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-rapid'
        And the 'writer' process writes '10000' frames of size '1024' rapidly
        And the 'reader' process reads all frames and signals immediately

        Then all sequence numbers should be correct
        And no frames should be lost
        And no deadlocks should occur

    Scenario: 4.10 A full ring holds its writer while a second writer is refused
        Given the 'reader' process creates buffer 'test-multi-writer-full' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-multi-writer-full'
        And the 'writer' process fills buffer to '80%' capacity
        And the 'writer' process a second writer process attempts to connect to buffer 'test-multi-writer-full'

        Then the 'writer' process the second writer should fail with writer exists error

        # At 100 % the next frame waits for the reader, in the background.
        When the 'writer' process continues filling buffer to '100%'

        Then the 'writer' process should block waiting for space

    # The two readers race as two threads, each with its own descriptors.
    Scenario: 4.11 Two readers racing to create one buffer: one wins, cleanly
        Given two 'reader' processes

        When both simultaneously attempt to create buffer 'race-test'

        Then only one should succeed
        And other should receive appropriate error
        And no resource corruption should occur

    Scenario: 4.12 A writer finds no buffer before its reader creates one
        Given the system is ready

        When a 'writer' process attempts to connect to non-existent buffer 'no-reader'

        Then the connection should fail with appropriate error
        And error should indicate no shared memory found
