"""Scripts and helpers the tests and benchmarks run (subprocess workers, fixture builders)."""
