# Our scenario suite for feature 12: protocol details checked in shared
# memory, semaphores and lock files. The sentences, keywords and their order
# are upstream's (Harmony routes by them); tables are carried by the steps,
# since Harmony never sends them.
Feature: Buffers follow protocol v1 to the byte
    The OIEB's counters and positions move exactly as the protocol says with
    every write and read, blocks are 64-byte aligned while frames are packed,
    the lock file marks a live reader and is taken over once that reader is
    dead, and semaphores carry the conventional names.

    Background:
        Given the test environment is initialized
        And all processes are ready
        And we are in DEBUG mode for protocol compliance tests

    Scenario: 12.1 Each write and read moves the OIEB exactly as specified
        Given the 'reader' process creates buffer 'test-oieb-compliance' with default config

        When the 'writer' process connects to buffer 'test-oieb-compliance'
        And performs multiple write operations

        Then the 'writer' process should verify after each write:
        | field | condition |
        | payload_written_count | increments by 1 |
        | payload_free_bytes | decreases by frame size |
        | payload_write_pos | advances correctly |
        | all values | are 64-byte aligned |

        When the 'reader' process performs multiple read operations

        Then the 'reader' process should verify after each read:
        | field | condition |
        | payload_read_count | increments by 1 |
        | payload_free_bytes | increases by frame size |
        | payload_read_pos | advances correctly |

    Scenario: 12.2 Blocks are 64-byte aligned and frames are packed
        Given the 'reader' process creates buffer 'test-alignment' with default config

        Then the 'reader' process should verify OIEB starts at 64-byte aligned address
        And should verify metadata block starts at 64-byte aligned offset
        And should verify payload block starts at 64-byte aligned offset

        When the 'writer' process connects to buffer 'test-alignment'
        And writes various sized frames

        Then the 'writer' process should verify all data access respects alignment

    # "kill reader process" names no process in Harmony's form, so it is an
    # ordinary step: the reader's step worker dies after answering and a
    # fresh one answers the rest. Until the new reader, any other reader on
    # the machine could remove the dead reader's lock file first, so this
    # feature runs while no other test does (BUILD.bazel).
    Scenario: 12.3 A dead reader's lock file is taken over, a closed reader's removed
        And the 'reader' process creates buffer 'test-lock-semantics' with default config

        Then verify lock file exists at correct location
        And verify lock file is actually locked

        When kill reader process

        Then new reader can acquire lock after detecting stale

        When graceful shutdown

        Then verify lock file is removed

    # Harmony never runs this scenario: none of its steps names a process.
    Scenario: 12.4 Semaphores are named sem-w-<name> and sem-r-<name>
        Given create buffers with various names:
        | buffer_name | description |
        | 550e8400-e29b-41d4-a716-446655440000 | UUID format |
        | test_buffer-123 | alphanumeric with special chars |
        | very_long_buffer_name_that_tests_maximum_length_limits | max length |

        Then verify semaphores created as 'sem-w-{name}' and 'sem-r-{name}'
        And verify both Linux and Windows naming rules respected
