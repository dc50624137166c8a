# Our scenario suite for feature 06: sequence checks, bursts, flow control
# and semaphore signalling. The sentences, keywords and their order are
# upstream's (Harmony routes by them).
Feature: Reader and writer stay in step and the data stays intact
    The reader reports a gap in the sequence numbers with the numbers that
    explain it, a burst written before anyone reads arrives complete, a slow
    reader holds a fast writer back without losing frames, and every frame
    is signalled exactly once.

    # Upstream's file has an empty background; each scenario starts with
    # fresh processes anyway.

    # Upstream says "expected '4' got '5'": after frames 1 and 2 the reader
    # expects 3 (step-catalog 2.7), which is what a correct library reports.
    Scenario: 6.1 A gap in the sequence numbers is reported as expected 3, got 5
        Given the 'reader' process creates buffer 'test-sequence-gap' with default config

        When the 'writer' process connects to buffer 'test-sequence-gap'
        And the 'writer' process writes frame with sequence '1'
        And the 'writer' process writes frame with sequence '2'
        And the 'writer' process writes frame with sequence '3'

        Then the 'reader' process should read frame with sequence '1'
        And the 'reader' process should read frame with sequence '2'

        When the test corrupts next frame sequence to '5'
        And the 'reader' process attempts to read frame

        Then the read should fail with sequence error
        And the error should show expected '3' got '5'

    Scenario: 6.2 A burst written before the reader starts arrives complete
        Given the 'reader' process creates buffer 'test-burst' with metadata size '0' and payload size '102400'

        When the 'writer' process connects to buffer 'test-burst'
        And the 'writer' process writes '50' frames of size '1024' as fast as possible

        And the 'reader' process waits '1' second before reading
        And the 'reader' process reads all '50' frames

        Then all frames should be received correctly
        And data integrity should be maintained

    # The writer writes three rings' worth of 4096-byte frames; the reader
    # reads until the stream goes quiet.
    Scenario: 6.3 A slow reader throttles the writer without losing frames
        Given the 'reader' process creates buffer 'test-slow-reader' with metadata size '0' and payload size '51200'

        When the 'writer' process connects to buffer 'test-slow-reader'
        And the 'writer' process writes frames continuously

        And the 'reader' process reads one frame every '100' ms

        Then the 'writer' process should block when buffer full
        And no frames should be lost
        And flow control should work correctly

    Scenario: 6.4 Two quick frames leave two signals, one per frame
        Given the 'reader' process creates buffer 'test-semaphore' with default config

        When the 'writer' process connects to buffer 'test-semaphore'
        And the 'writer' process writes frame and signal
        And the 'writer' process immediately writes another frame before reader wakes

        Then the 'reader' process should process both frames correctly
        And the semaphore count should reflect pending frames
