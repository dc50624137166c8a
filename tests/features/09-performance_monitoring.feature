Feature: Performance monitoring
    What the buffer costs in CPU: nothing worth measuring while a reader or
    writer waits on its semaphore, and CPU in proportion to the bytes while
    data moves.

    Background:
        Given the test environment is initialized
        And all processes are ready

    # Every step after the connect reaches the writer process only. It waits
    # on the scenario's full ring (the reader process never reads) and on an
    # empty loopback buffer of its own, then moves data through the loopback
    # buffer from one thread to another.
    Scenario: 9.1 Waiting costs next to no CPU and copying costs CPU in proportion to the bytes
        Given the 'reader' process creates buffer 'test-cpu-usage' with default config

        When the 'writer' process connects to buffer 'test-cpu-usage'

        Then monitor CPU usage during idle (blocked on semaphore)
        And verify near-zero CPU when waiting

        When transfer data actively

        Then monitor CPU during active transfer
        And verify efficient data copying
