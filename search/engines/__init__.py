"""The two engines behind `rank()`: `embedded` (no server) and `elasticsearch`."""
