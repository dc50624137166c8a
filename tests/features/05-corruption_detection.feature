# Our scenario suite for feature 05: damaged shared memory, a reader dying
# mid-write, wasted ring tails and frame-size limits. The sentences, keywords
# and their order are upstream's (Harmony routes by them); see
# step-catalog section 3 for where each step runs.
Feature: The library notices damaged buffers and honours the ring's limits
    A test damages the OIEB or a frame header in real shared memory and the
    library must refuse it with the matching error. A reader that dies during
    a write, a wrap that gives up the tail of the ring, the free-space rule
    and the largest frame a ring accepts complete the picture.

    Background:
        Given the test environment is initialized
        And all processes are ready

    # 'operation_size' is upstream's name for oieb_size, the first OIEB field.
    Scenario: 5.1 A writer refuses to connect to a buffer whose OIEB size is wrong
        Given the 'reader' process creates buffer 'test-corrupt-oieb' with default config

        When the 'writer' process connects to buffer 'test-corrupt-oieb'
        And the 'writer' process writes frame with data 'valid'

        And the test corrupts OIEB field 'operation_size' to wrong value

        When a second 'writer' process attempts to connect to buffer 'test-corrupt-oieb'

        Then the connection should fail with invalid OIEB error

    # A zero payload size at offset 0 reads as a wrap marker where no writer
    # ever wraps.
    Scenario: 5.2 A reader rejects a frame header claiming zero bytes
        Given the 'reader' process creates buffer 'test-invalid-header' with default config

        When the 'writer' process connects to buffer 'test-invalid-header'
        And the 'writer' process writes frame with data 'test'

        And the test corrupts frame header 'payload_size' to '0'

        When the 'reader' process attempts to read frame

        Then the read should fail with invalid frame size error

    # The crash is Harmony's: the reader's step worker is killed while the
    # writer holds an uncommitted 8192-byte frame.
    Scenario: 5.3 A writer learns that its reader died during a write
        Given the 'reader' process creates buffer 'test-reader-death' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-reader-death'
        And the 'writer' process starts writing large frame of '8192' bytes

        And the 'reader' process crashes while write in progress

        And the 'writer' process completes write operation
        And the 'writer' process attempts next operation

        Then the 'writer' process should detect reader death
        And the 'writer' process should throw reader dead exception

    # The wrapped write waits until the reader releases the first frame; the
    # writer's checks see the wrap pending, the reader's see it done.
    Scenario: 5.5 A wrap gives up the ring's tail and restarts at offset 0
        Given the 'reader' process creates buffer 'test-waste' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-waste'
        And writes frame that leaves '100' bytes at end with 'incremental' pattern
        And attempts to write '200' byte frame with 'sequential' pattern

        Then the 'writer' process should write wrap marker at current position
        And should see payload_free_bytes reduced by wasted space
        And frame should be written at buffer start

        When the 'reader' process reads next frame

        Then the 'reader' process should detect wrap marker
        And should jump to buffer start
        And should read '200' byte frame successfully with 'sequential' pattern

    # The table is the feature file's; Harmony never sends it, so the step
    # carries a copy. "calculated" means the step computes the value.
    Scenario: 5.6 The largest frame that fits matches the protocol's free-space rule
        Given the 'reader' process creates buffer 'test-free-space' with specific configuration

        When the system tests continuous_free_bytes calculation with:
        | write_pos | read_pos | expected_result | scenario |
        | 5000 | 2000 | calculated | write_pos > read_pos |
        | 2000 | 5000 | calculated | write_pos < read_pos |
        | 5000 | 5000 | calculated | write_pos == read_pos empty |
        | 0 | 0 | calculated | both at start |
        | 5000 | 0 | calculated | read_pos at start cannot wrap |

        Then the 'reader' process calculations should match specification

    Scenario: 5.7 A frame filling the whole ring is accepted, one byte more is not
        Given the 'reader' process creates buffer 'test-max-frame' with metadata size '0' and payload size '104857600'

        When the 'writer' process connects to buffer 'test-max-frame'
        And writes frame matching exactly payload size minus header

        Then the 'writer' process should verify frame was written successfully

        When the 'writer' process attempts to write frame exceeding payload size

        Then the 'writer' process write should be rejected with appropriate error
