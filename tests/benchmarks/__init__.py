"""Benchmarks: run as modules (python -m tests.benchmarks.bench_x); pytest does not collect them."""
