# Our scenario suite for error handling: the rules metadata follows and a
# buffer without any. Sentences, their order and the scenario numbers follow
# upstream feature 03, because Harmony's routing depends on them.
Feature: Metadata mistakes are refused without harm
    Metadata is written once and must fit its block; a rejected write leaves
    the stored metadata as it was, and a buffer created without a metadata
    block carries frames all the same.

    Background:

    Scenario: 3.1 Metadata cannot be written twice
        Given the 'reader' process creates buffer 'test-metadata-once' with metadata size '1024' and payload size '10240'

        When the 'writer' process connects to buffer 'test-metadata-once'
        And the 'writer' process writes metadata with size '500'
        And the 'writer' process writes frame with data 'test'
        # Another pattern than the first write's, so a leak would show.
        And the 'writer' process attempts to write metadata again with size '200'

        Then the 'writer' process verifies the second metadata write should fail
        And the 'reader' process verifies the original metadata should remain unchanged

    Scenario: 3.2 Metadata larger than its block is refused
        Given the 'reader' process creates buffer 'test-metadata-overflow' with metadata size '1024' and payload size '10240'

        When the 'writer' process connects to buffer 'test-metadata-overflow'
        And the 'writer' process attempts to write metadata with size '2048'

        Then the 'writer' process verifies the metadata write should fail with size error

    Scenario: 3.3 Frames flow through a buffer without a metadata block
        Given the 'reader' process creates buffer 'test-no-metadata' with metadata size '0' and payload size '10240'

        When the 'writer' process connects to buffer 'test-no-metadata'
        And the 'writer' process writes frames without metadata

        Then the 'reader' process should read frames successfully
        And the 'reader' process verifies the system should work without metadata
