"""Benchmarks that start the real server and print figures (recorded in docs/developer.md)."""
