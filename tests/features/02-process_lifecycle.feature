# Our scenario suite for process lifecycle: what the surviving side sees when
# its peer is killed or crashes, how a new reader takes over a crashed
# reader's buffer, and that a buffer admits one writer only. Sentences, their
# order and the scenario numbers follow upstream feature 02, because
# Harmony's routing depends on them. Kills and crashes are carried out by
# Harmony: "is killed" closes the serve's stdin (the process exits cleanly),
# "crashes" makes the serve SIGKILL the process that owns the buffers and
# answer the next step from a fresh one.
Feature: Processes that die, are replaced, or are turned away
    A reader and a writer notice when the other side is gone, a reader
    started after a crash removes what the crashed one left behind and
    creates the buffer anew, and a second writer is refused.

    Background:
        Given we run in harmony

    Scenario: 2.1 A reader notices the writer was killed
        Given the 'reader' process creates buffer 'test-writer-crash' with metadata size '1024' and payload size '10240'

        And the 'writer' process connects to buffer 'test-writer-crash'
        And the 'writer' process writes frame with data 'alive'

        Then the 'reader' process should read frame with data 'alive'

        # The writer's serve exits: its Writer closes and leaves writer_pid 0.
        When the 'writer' process is killed

        Then wait for '2' seconds
        And the 'reader' process should timeout or detect writer death on next read

    Scenario: 2.2 A writer blocked on a full ring notices the reader crashed
        Given the 'reader' process creates buffer 'test-reader-crash' with metadata size '1024' and payload size '10240'

        And the 'writer' process connects to buffer 'test-reader-crash'
        And the 'writer' process writes frame with sequence '1'

        Then the 'reader' process should read frame with sequence '1'

        When the 'writer' process fills buffer completely
        # SIGKILL: the buffer stays behind with a dead reader_pid.
        And the 'reader' process crashes

        Then wait for '2' seconds
        And the 'writer' process should detect reader death on next write

    Scenario: 2.3 A new reader replaces a crashed one under the same name
        Given the 'reader' process creates buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'

        And the 'writer' process connects to buffer 'test-reader-replace'
        And the 'writer' process writes frame with sequence '1'

        Then the 'reader' process should read frame with sequence '1'

        When the 'reader' process crashes

        # Routed to the crashed reader's connection: a fresh process there
        # is the new reader, while the writer still maps the old segment.
        And a new 'reader' process attempts to create buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'

        Then the new reader should detect stale resources
        And the new reader should clean up stale resources
        And the new reader should create fresh buffer successfully

        When the 'writer' process detects reader death and reconnects to buffer 'test-reader-replace'
        And the 'writer' process writes frame with sequence '1'

        Then the 'reader' process should read frame with sequence '1'

    Scenario: 2.4 A buffer accepts only one writer
        Given the 'reader' process creates buffer 'test-multi-writer' with metadata size '1024' and payload size '10240'

        And the 'writer' process connects to buffer 'test-multi-writer'

        # Routed to the writer process, which already holds the writer.
        When a second 'writer' process attempts to connect to buffer 'test-multi-writer'
        Then the connection should fail with writer exists error
