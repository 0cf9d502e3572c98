"""A large rule set is evaluated only where each rule's rarest term occurs, with the rarity
estimated from the store, and still matches exactly what the matcher without an estimate
finds (test_matcher.py checks that one against evaluating every rule)."""

from __future__ import annotations

from pathlib import Path

from support import EXPECTED, expected_article

from alerts.matcher import Matcher
from alerts.service import MANY_RULES, Alerts
from store.sqlite import SqliteStore
from tidewatch.config import Config

LARGE = Path(__file__).parents[1] / "fixtures" / "subscribers" / "large.toml"


def test_a_large_rule_set_is_anchored_on_store_frequencies_and_matches_exactly(
    alerts_config: Config, store: SqliteStore
) -> None:
    store.upsert_many([expected_article(p.parent.name, p.stem) for p in EXPECTED.glob("*/*.json")])
    alerts = Alerts(alerts_config.model_copy(update={"subscribers_file": LARGE}), store)
    try:
        assert sum(len(s.rules) for s in alerts.subscribers) > MANY_RULES
        frequencies = alerts._frequencies()
        assert frequencies and frequencies["的"] > frequencies.get("钱塘", 0) > 0
        unestimated = Matcher(alerts.subscribers)
        found = 0
        for article in store.articles():
            anchored = {(m.subscriber, m.rule, m.terms) for m in alerts.matcher.match(article)}
            assert anchored == {(m.subscriber, m.rule, m.terms) for m in unestimated.match(article)}
            found += len(anchored)
        assert found  # the rules come from the replica's words: some must match
    finally:
        alerts.close()
