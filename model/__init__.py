"""The shared model: the article record and Tidewatch's clock.

It depends on nothing else in the house, so every room can import it and data still flows
one way: crawler → store ← alerts.
"""
