"""Benchmarks: the real bot, as a process, against the fake Bot API server on loopback."""
