"""Keyword alerts: match new articles against subscribers' rules, keep the ledger, send digests."""
