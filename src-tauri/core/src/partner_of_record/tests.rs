//! Partner of record per workload: tests.
