# Our scenario suite for advanced error handling. Every failure is provoked
# for real: an object in the way of a semaphore, header bytes overwritten in
# shared memory, a peer process stopped mid-operation, a writer running as
# another OS user. Sentences, their order and the scenario numbers follow
# upstream feature 10, because Harmony's routing depends on them. Upstream's
# 10.5 (exhausting the system's semaphores), which Harmony never runs, is
# left out: Linux counts no named semaphores; each is a small file in
# /dev/shm, so the limit is what that file system holds, shared by every
# process on the machine (or one process's vm.max_map_count mappings), and
# reaching it would break whatever else runs.
Feature: Failures half-way, damaged frames and peers that vanish
    A creation that fails half-way leaves nothing behind, damaged frame
    headers are refused without moving the reader, the survivor of a peer's
    death gets the matching error, and a buffer with owner-only permissions
    keeps other users out.

    Background:
        Given the test environment is initialized
        And all processes are ready

    Scenario: 10.1 A creation that fails at sem-w removes what it made
        # Broadcasts; only the reader runs this scenario.
        Given the test creates shared memory successfully for 'test-partial'

        # A directory takes the semaphore's file name for the attempt.
        When simulate failure creating sem-w semaphore

        Then the 'reader' process should clean up shared memory
        And the 'reader' process should throw appropriate exception
        And the test should verify no resources leaked

    Scenario: 10.2 Damaged frame headers are refused
        Given the 'reader' process creates buffer 'test-frame-corruption' with default config

        When the 'writer' process connects to buffer 'test-frame-corruption'
        And the 'writer' process writes valid frame

        # Routed to the writer: each row runs on a scratch buffer whose
        # reader lives in the writer's process.
        Then test multiple corruption scenarios:
        | corruption_type | expected_result |
        | payload_size > remaining | reader handles gracefully |
        | sequence_number invalid | reader detects error |
        | header magic corrupted | reader rejects frame |

    Scenario: 10.3 A writer mid-frame learns that the reader left
        Given the 'reader' process creates buffer 'test-reader-death-write' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-reader-death-write'
        And the 'writer' process starts writing large frame '8192' bytes

        And the 'reader' process is killed while write in progress

        And the 'writer' process detects reader death on next operation

        Then the 'writer' process should throw reader dead exception

    Scenario: 10.4 A reader waiting for data learns that the writer crashed
        Given the 'reader' process creates buffer 'test-writer-death-read' with default config

        When the 'writer' process connects to buffer 'test-writer-death-read'

        # The read waits in the background while Harmony crashes the writer.
        And the 'reader' process waits on semaphore for data

        And the 'writer' process crashes while reader blocked

        Then the 'reader' process should detect writer death after timeout '5' seconds
        And the 'reader' process should throw writer dead exception

    Scenario: 10.6 Owner-only permissions keep another user's writer out
        Given the reader is 'user1'
        And the 'reader' process creates buffer 'test-permissions' with restrictive permissions

        # Without an account 'user2', the unprivileged 'nobody' stands in.
        When the writer is 'user2'
        And another writer attempts to connect without permissions

        Then permission denied error should be handled
        And no resource corruption should occur
