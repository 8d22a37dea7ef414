//! The People API emulator: Google's contact API on loopback, for the demo, tests and benchmarks.
