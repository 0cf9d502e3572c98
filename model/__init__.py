"""The shared model: the article record, Tidewatch's clock and how its SQLite files open.

It depends on nothing else in the house, so every room can import it and data still flows
one way: crawler → store ← alerts.
"""
