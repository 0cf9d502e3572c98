"""Keyword alerts: match new articles against subscribers' rules and send digests (to come)."""
