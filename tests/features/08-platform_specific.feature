@platform-specific
Feature: Platform specifics
    What a buffer looks like to the operating system it runs on: its files
    under /dev/shm on Linux, the Windows kernel objects (checked only on
    Windows), names that work on both, and the debris a crashed reader leaves.

    Background:

    @linux
    Scenario: 8.1 A Linux buffer is a segment and two semaphores in /dev/shm, gone after shutdown
        Given the platform is 'Linux'

        And the 'reader' process creates buffer 'test-linux-shm' with default config

        Then verify shared memory entry exists in '/dev/shm/'
        And verify proper named semaphores created
        And test with buffer names containing special characters

        When gracefully shutdown

        Then verify proper cleanup in '/dev/shm/'

    # Windows only: on Linux every check fails as not applicable, and the
    # runner skips the scenario by its tag.
    @windows
    Scenario: 8.2 A Windows buffer is a file mapping and two named semaphores
        Given the platform is 'Windows'

        And the 'reader' process creates buffer 'test-windows-objects' with default config

        Then verify CreateFileMapping with proper naming
        And test Global vs Local namespace for different contexts
        And verify semaphore limits and max count

        When test across different user sessions

        Then verify proper isolation or sharing as expected

    Scenario: 8.3 Buffer names follow rules both platforms accept, up to the longest allowed
        And the 'reader' process creates buffer 'test-name-compat-123' with default config

        Then verify name contains only alphanumeric and dash
        And same name rules work on both platforms

        When test maximum name length

        Then both platforms should handle it correctly

    # The lock files stay held until the reader is created, so that no other
    # reader on the machine cleans them up first.
    Scenario: 8.4 A new reader removes what a crashed reader left and starts afresh
        Given manually create stale lock file for 'stale-test'
        And create orphaned shared memory for 'stale-test'
        And create orphaned semaphores for 'stale-test'

        When the 'reader' process attempts to create buffer 'stale-test'

        Then the stale resources should be detected
        And the old resources should be cleaned up
        And the new buffer should be created successfully
