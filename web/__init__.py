"""The web UI of `tidewatch serve`: operators' status, analysts' search and keyword trends."""
