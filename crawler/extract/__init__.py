"""Field extraction helpers shared by every spider: pure functions, unit-tested on their own."""
