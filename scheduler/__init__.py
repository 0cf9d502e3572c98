"""The long-running service: crawls and digests on a schedule (`tidewatch serve`, to come)."""
