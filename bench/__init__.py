"""Benchmarks of issue 3 (see bench/README.md). Not tests: pytest collects only tests/."""
