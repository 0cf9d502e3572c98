"""The long-running service, `tidewatch serve`.

It runs crawls and digests on their schedules and keeps the run log, source health and status.
"""
