"""Benchmarks that start the real server and print figures (recorded in the README)."""
