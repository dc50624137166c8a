# Our scenario suite for basic communication. Sentences are the ones the
# upstream Harmony feature files send (the interface every serve implements);
# scenario numbers follow upstream feature 01 so results can be compared.
Feature: Basic communication between a reader and a writer process
    A reader process creates a buffer, a writer process connects to it, and
    frames and metadata written on one side arrive intact on the other.

    Background:
        Given the test environment is initialized
        And all processes are ready

    Scenario: 1.1 One frame and its metadata arrive intact
        Given the 'reader' process creates buffer 'test-basic' with metadata size '1024' and payload size '10240'
        When the 'writer' process connects to buffer 'test-basic'
        And the 'writer' process writes metadata with size '100'
        And the 'writer' process writes frame with size '1024' and sequence '1'
        Then the 'reader' process should read frame with sequence '1' and size '1024'
        And the 'reader' process should validate frame data
        And the 'reader' process signals space available

    Scenario: 1.2 Frames arrive in the order they were written
        Given the 'reader' process creates buffer 'test-multi' with metadata size '1024' and payload size '102400'
        When the 'writer' process connects to buffer 'test-multi'
        And the 'writer' process writes frame with sequence '1'
        And the 'writer' process writes frame with sequence '2'
        And the 'writer' process writes frame with sequence '3'
        Then the 'reader' process should read frame with sequence '1';
        And the 'reader' process signals space available
        And the 'reader' process should read frame with sequence '2';
        And the 'reader' process signals space available
        And the 'reader' process should read frame with sequence '3';
        And the 'reader' process should verify all frames maintain sequential order

    Scenario: 1.3 A full ring times the writer out until the reader frees a frame
        Given the 'reader' process creates buffer 'test-full' with metadata size '1024' and payload size '10240'
        When the 'writer' process connects to buffer 'test-full'
        And the 'writer' process writes frames until buffer is full
        Then the 'writer' process should experience timeout on next write
        When the 'reader' process reads one frame
        And the 'reader' process signals space available
        Then the 'writer' process should write successfully immediately

    Scenario: 1.4 A frame filled in place arrives like a copied one
        Given the 'reader' process creates buffer 'test-zerocopy' with metadata size '1024' and payload size '102400'
        When the 'writer' process connects to buffer 'test-zerocopy'
        And the 'writer' process requests zero-copy frame of size '4096'
        And the 'writer' process fills zero-copy buffer with test pattern
        And the 'writer' process commits zero-copy frame
        Then the 'reader' process should read frame with size '4096'
        And the 'reader' process should verify frame data matches test pattern

    Scenario: 1.5 Frames of very different sizes share one ring
        Given the 'reader' process creates buffer 'test-mixed' with metadata size '1024' and payload size '102400'
        When the 'writer' process connects to buffer 'test-mixed'
        And the 'writer' process writes frame with size '100'
        And the 'writer' process writes frame with size '1024'
        And the 'writer' process writes frame with size '10240'
        And the 'writer' process writes frame with size '1'
        Then the 'reader' process should read 4 frames with sizes '100,1024,10240,1' in order

    Scenario: 1.6 A slow reader loses nothing from a fast writer
        # The ring holds about ten frames; the writer blocks whenever it is
        # full and the reader pauses 100 ms after every frame.
        Given the 'reader' process creates buffer 'test-slow-reader' with metadata size '64' and payload size '10240'
        When the 'writer' process connects to buffer 'test-slow-reader'
        And the 'writer' process writes '20' frames of size '1024' as fast as possible
        And the 'reader' process reads frames with '100' ms delay between each read
        Then the 'reader' process should have read '20' frames
        And the 'reader' process should verify all frames have sequential sequence numbers starting from '1'
        And no sequence errors should have occurred

    Scenario: 1.7 Thousands of wrap-arounds keep every sequence number
        # Flow control alone keeps the writer from overwriting unread frames
        # (upstream fix 961910f: "expected 35355, got 35361").
        Given the 'reader' process creates buffer 'test-slow-reader-hv' with metadata size '64' and payload size '10240'
        When the 'writer' process connects to buffer 'test-slow-reader-hv'
        And the 'writer' process writes '5000' frames of size '1024' as fast as possible
        And the 'reader' process reads frames with '0' ms delay between each read
        Then the 'reader' process should have read '5000' frames
        And the 'reader' process should verify all frames have sequential sequence numbers starting from '1'
        And no sequence errors should have occurred
