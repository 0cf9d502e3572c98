"""alerts.ledger on a real SQLite file: idempotent recording, sent-state machine, unsubscribes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailsink import FIXTURES
from support import expected_article

from alerts.ledger import Ledger
from alerts.matcher import Matcher, RuleMatch
from alerts.subscriptions import Subscriber, load_subscribers
from model.article import Article
from store.base import Change, article_id
from store.sqlite import SqliteStore

EDITOR = "editor@newsroom.example.com"  # tests/fixtures/subscribers/newsroom.toml
WATCHER = "watcher@example.com"
XS_SEED = ("www.xsnet.cn", "3025263")  # 数字经济, 萧山; no 钱塘
CHAO_SEED = ("tidenews.com.cn", "3041187")  # 钱塘, 新型工业化
SOURCES = {"www.xsnet.cn": "xsnet", "xsrb.xsnet.cn": "xsrb", "tidenews.com.cn": "tidenews"}
SLOT = "2025-03-09T08:00:00+08:00"


def article(host: str, stem: str, **changes: object) -> Article:
    return expected_article(host, stem, **changes)


@pytest.fixture
def matcher() -> Matcher:
    watcher = Subscriber(email=WATCHER, name="W", rules=["钱塘 OR 萧山"], frequency="hourly")
    return Matcher([*load_subscribers(FIXTURES / "newsroom.toml"), watcher])


Batch = list[tuple[Change, list[RuleMatch]]]


def batch(store: SqliteStore, ledger: Ledger, matcher: Matcher) -> tuple[Batch, int]:
    """The changes past the ledger's cursor, matched, and the cursor after them."""
    changes = store.changes(after=ledger.cursor())
    assert changes, "the store has no new changes"
    return [(c, matcher.match(c.article)) for c in changes], changes[-1].seq


def feed(store: SqliteStore, ledger: Ledger, matcher: Matcher) -> int:
    results, cursor = batch(store, ledger, matcher)
    return ledger.record(results, cursor)


def rules_of(ledger: Ledger, subscriber: str) -> list[tuple[str, str]]:
    return [(m.article_id, m.rule) for m in ledger.pending(subscriber)]


def send_everything(ledger: Ledger, subscriber: str, digest: str = "d1", slot: str = SLOT) -> None:
    ids = [m.id for m in ledger.pending(subscriber)]
    ledger.begin_digest(digest, subscriber, slot, "subject", ids)
    ledger.digest_sent(digest, f"<digest-{digest}@tidewatch>", 1)


XS_ID, CHAO_ID = article_id(article(*XS_SEED).url), article_id(article(*CHAO_SEED).url)


@pytest.fixture
def seeded(store: SqliteStore, ledger: Ledger, matcher: Matcher) -> int:
    """Both seed articles stored and recorded; returns how many matches became pending."""
    store.upsert(article(*XS_SEED))
    store.upsert(article(*CHAO_SEED))
    return feed(store, ledger, matcher)


# -- recording ---------------------------------------------------------------------------------


def test_record_makes_every_match_pending(seeded: int, ledger: Ledger) -> None:
    assert seeded == 5  # editor: 数字经济, 钱塘, 新型工业化; watcher: both articles
    assert rules_of(ledger, EDITOR) == [
        (XS_ID, "数字经济"),
        (CHAO_ID, "钱塘"),
        (CHAO_ID, "新型工业化"),
    ]
    assert rules_of(ledger, WATCHER) == [(XS_ID, "钱塘 OR 萧山"), (CHAO_ID, "钱塘 OR 萧山")]


def test_pending_match_carries_terms_and_title_flag(seeded: int, ledger: Ledger) -> None:
    by_article = {m.article_id: m for m in ledger.pending(WATCHER)}
    assert (by_article[XS_ID].terms, by_article[XS_ID].in_title) == (("萧山",), True)
    assert (by_article[CHAO_ID].terms, by_article[CHAO_ID].in_title) == (("钱塘",), True)
    assert not any(m.updated or m.digest_id for m in ledger.pending(WATCHER))


def test_record_moves_the_cursor_past_the_batch(
    store: SqliteStore, ledger: Ledger, seeded: int
) -> None:
    assert ledger.cursor() == store.changes()[-1].seq == 2
    assert ledger.cursor("elsewhere") == 0  # cursors are named


def test_recording_the_same_batch_again_adds_nothing(
    store: SqliteStore, ledger: Ledger, matcher: Matcher
) -> None:
    store.upsert(article(*XS_SEED))
    store.upsert(article(*CHAO_SEED))
    results, cursor = batch(store, ledger, matcher)
    assert ledger.record(results, cursor) == 5
    before = ledger.pending(EDITOR) + ledger.pending(WATCHER)
    assert ledger.record(results, cursor) == 0
    assert ledger.pending(EDITOR) + ledger.pending(WATCHER) == before


def test_re_recording_after_a_restart_adds_nothing(
    tmp_path: Path, store: SqliteStore, matcher: Matcher
) -> None:
    store.upsert(article(*CHAO_SEED))
    first = Ledger(tmp_path / "restart.sqlite3")
    results, cursor = batch(store, first, matcher)
    first.record(results, cursor)
    before = first.pending(EDITOR)
    first.close()  # the process dies; a new one opens the same file and re-reads the feed
    second = Ledger(tmp_path / "restart.sqlite3")
    try:
        assert second.cursor() == cursor
        assert second.record(results, cursor) == 0
        assert second.pending(EDITOR) == before
    finally:
        second.close()


def test_a_crash_half_way_through_a_batch_records_nothing(
    store: SqliteStore, ledger: Ledger, matcher: Matcher
) -> None:
    store.upsert(article(*XS_SEED))
    store.upsert(article(*CHAO_SEED))
    results, cursor = batch(store, ledger, matcher)

    def dies_after_the_first_change() -> Iterator[tuple[Change, list[RuleMatch]]]:
        yield results[0]
        raise KeyboardInterrupt("killed while matching")

    with pytest.raises(KeyboardInterrupt):
        ledger.record(dies_after_the_first_change(), cursor)
    assert ledger.cursor() == 0 and ledger.pending(EDITOR) == []
    assert ledger.record(results, cursor) == 5  # the restart records the whole batch once
    assert ledger.cursor() == cursor


def test_unmatched_changes_still_move_the_cursor(
    store: SqliteStore, ledger: Ledger, matcher: Matcher
) -> None:
    yipeng = article("www.xsnet.cn", "3025304")  # 义蓬街道 job fair; its one 钱塘 renamed
    store.upsert(dataclasses.replace(yipeng, body=yipeng.body.replace("钱塘", "下沙")))
    assert feed(store, ledger, matcher) == 0
    assert ledger.cursor() == 1


# -- changed articles --------------------------------------------------------------------------


def test_changed_article_without_a_new_term_is_not_pending_again(
    store: SqliteStore, ledger: Ledger, matcher: Matcher, seeded: int
) -> None:
    send_everything(ledger, EDITOR)
    send_everything(ledger, WATCHER, "d2")
    chao = article(*CHAO_SEED)
    store.upsert(dataclasses.replace(chao, body=chao.body + "\n（本报记者补充报道。）"))
    assert feed(store, ledger, matcher) == 0
    assert ledger.pending(EDITOR) == [] and ledger.pending(WATCHER) == []


def test_changed_article_with_a_new_term_of_the_same_rule_is_pending_as_updated(
    store: SqliteStore, ledger: Ledger, matcher: Matcher, seeded: int
) -> None:
    send_everything(ledger, WATCHER)
    xs = article(*XS_SEED)
    store.upsert(dataclasses.replace(xs, body=xs.body + "\n萧山与钱塘两地将深化合作。"))
    assert feed(store, ledger, matcher) == 2  # and the editor's 钱塘 rule, for the first time
    (again,) = ledger.pending(WATCHER)
    assert (again.article_id, again.rule) == (XS_ID, "钱塘 OR 萧山")
    assert again.updated and again.terms == ("萧山", "钱塘") and again.digest_id is None


def test_updated_match_keeps_the_union_of_old_and_new_terms(
    store: SqliteStore, ledger: Ledger, matcher: Matcher, seeded: int
) -> None:
    send_everything(ledger, WATCHER)
    xs = article(*XS_SEED)
    renamed = dataclasses.replace(
        xs,
        title=xs.title.replace("萧山", "本区"),
        body=xs.body.replace("萧山", "本区") + "\n本区与钱塘两地将深化合作。",
    )
    store.upsert(renamed)
    assert feed(store, ledger, matcher) == 2
    (again,) = ledger.pending(WATCHER)
    assert again.terms == ("萧山", "钱塘")  # 萧山 was sent before; 钱塘 is why it is back


def test_changed_article_matching_a_new_rule_is_pending_as_updated(
    store: SqliteStore, ledger: Ledger, matcher: Matcher, seeded: int
) -> None:
    send_everything(ledger, EDITOR)
    xs = article(*XS_SEED)
    store.upsert(dataclasses.replace(xs, body=xs.body + "\n萧山与钱塘两地将深化合作。"))
    assert feed(store, ledger, matcher) == 1  # the watcher's match was never sent: no news
    (new_rule,) = ledger.pending(EDITOR)
    assert (new_rule.article_id, new_rule.rule, new_rule.updated) == (XS_ID, "钱塘", True)


def test_change_before_sending_updates_terms_but_counts_once(
    store: SqliteStore, ledger: Ledger, matcher: Matcher, seeded: int
) -> None:
    xs = article(*XS_SEED)
    store.upsert(dataclasses.replace(xs, body=xs.body + "\n萧山与钱塘两地将深化合作。"))
    assert feed(store, ledger, matcher) == 1  # only the editor's new 钱塘 rule is new
    watched = {m.article_id: m for m in ledger.pending(WATCHER)}
    assert watched[XS_ID].terms == ("萧山", "钱塘") and not watched[XS_ID].updated
    new_rule = [m for m in ledger.pending(EDITOR) if m.rule == "钱塘"]
    assert [m.article_id for m in new_rule] == [CHAO_ID, XS_ID]
    assert not any(m.updated for m in new_rule)  # never sent: nothing to call an update


def test_a_term_found_while_its_digest_is_being_sent_is_not_marked_sent(
    store: SqliteStore, ledger: Ledger, matcher: Matcher, seeded: int
) -> None:
    ids = [m.id for m in ledger.pending(WATCHER)]
    ledger.begin_digest("d1", WATCHER, SLOT, "s", ids)  # says: XS matched 萧山
    xs = article(*XS_SEED)
    store.upsert(dataclasses.replace(xs, body=xs.body + "\n萧山与钱塘两地将深化合作。"))
    feed(store, ledger, matcher)
    ledger.digest_sent("d1", "<digest-d1@tidewatch>", 1)
    assert [(m.article_id, m.terms, m.updated) for m in ledger.pending(WATCHER)] == [
        (XS_ID, ("萧山", "钱塘"), True)
    ]


# -- digests -----------------------------------------------------------------------------------


def test_begin_digest_takes_the_matches_out_of_pending(ledger: Ledger, seeded: int) -> None:
    ids = [m.id for m in ledger.pending(EDITOR)]
    ledger.begin_digest("d1", EDITOR, SLOT, "【Tidewatch】…", ids)
    assert ledger.pending(EDITOR) == []
    assert [m.id for m in ledger.in_digest("d1")] == ids
    assert {m.digest_id for m in ledger.in_digest("d1")} == {"d1"}
    (row,) = ledger.digests(EDITOR)
    assert (row["status"], row["slot"], row["subject"]) == ("sending", SLOT, "【Tidewatch】…")


def test_unfinished_digests_lists_the_ones_still_sending(ledger: Ledger, seeded: int) -> None:
    editor_ids = [m.id for m in ledger.pending(EDITOR)]
    watcher_ids = [m.id for m in ledger.pending(WATCHER)]
    ledger.begin_digest("d1", EDITOR, SLOT, "s", editor_ids)
    ledger.begin_digest("d2", WATCHER, SLOT, "s", watcher_ids)
    ledger.digest_sent("d2", "<digest-d2@tidewatch>", 1)
    assert [row["id"] for row in ledger.unfinished_digests()] == ["d1"]


def test_failed_digest_puts_its_matches_back_to_pending(ledger: Ledger, seeded: int) -> None:
    before = ledger.pending(EDITOR)
    ledger.begin_digest("d1", EDITOR, SLOT, "s", [m.id for m in before])
    ledger.digest_failed("d1", "451 try again later", 4)
    assert ledger.pending(EDITOR) == before
    assert ledger.in_digest("d1") == [] and ledger.unfinished_digests() == []
    (row,) = ledger.digests(EDITOR)
    assert (row["status"], row["attempts"], row["last_error"]) == (
        "failed",
        4,
        "451 try again later",
    )
    assert ledger.last_slot(EDITOR) is None  # nothing went out: the slot is still owed


def test_failed_digest_can_be_sent_again_under_the_same_id(ledger: Ledger, seeded: int) -> None:
    ids = [m.id for m in ledger.pending(EDITOR)]
    ledger.begin_digest("d1", EDITOR, SLOT, "s", ids)
    ledger.digest_failed("d1", "451", 4)
    ledger.begin_digest("d1", EDITOR, SLOT, "s", ids)
    ledger.digest_sent("d1", "<digest-d1@tidewatch>", 2)
    (row,) = ledger.digests(EDITOR)
    assert (row["status"], row["attempts"], row["message_id"]) == (
        "sent",
        6,
        "<digest-d1@tidewatch>",
    )
    assert row["sent_at"] and ledger.pending(EDITOR) == []


def test_sent_digest_stays_sent(
    store: SqliteStore, ledger: Ledger, matcher: Matcher, seeded: int
) -> None:
    results, cursor = [(c, matcher.match(c.article)) for c in store.changes()], ledger.cursor()
    send_everything(ledger, EDITOR)
    assert ledger.record(results, cursor) == 0  # the same feed read again
    assert ledger.pending(EDITOR) == [] and ledger.unfinished_digests() == []
    assert [row["status"] for row in ledger.digests(EDITOR)] == ["sent"]
    assert {m.digest_id for m in ledger.in_digest("d1")} == {"d1"}
    assert ledger.last_slot(EDITOR) == SLOT


def test_digests_are_listed_per_subscriber(ledger: Ledger, seeded: int) -> None:
    send_everything(ledger, EDITOR, "d1")
    send_everything(ledger, WATCHER, "d2")
    assert [r["id"] for r in ledger.digests(EDITOR)] == ["d1"]
    assert sorted(r["id"] for r in ledger.digests()) == ["d1", "d2"]


# -- unsubscribing -----------------------------------------------------------------------------


def test_unsubscribe_drops_pending_matches(ledger: Ledger, seeded: int) -> None:
    assert not ledger.is_unsubscribed(EDITOR)
    ledger.unsubscribe(EDITOR)
    assert ledger.is_unsubscribed(EDITOR)
    assert ledger.pending(EDITOR) == []
    assert len(ledger.pending(WATCHER)) == 2  # nobody else is affected


def test_unsubscribed_address_gets_no_new_matches(
    store: SqliteStore, ledger: Ledger, matcher: Matcher
) -> None:
    ledger.unsubscribe(EDITOR)
    store.upsert(article(*CHAO_SEED))
    assert feed(store, ledger, matcher) == 1  # the watcher's only
    assert ledger.pending(EDITOR) == [] and len(ledger.pending(WATCHER)) == 1
    assert ledger.cursor() == 1


def test_unsubscribe_keeps_the_history_of_sent_matches(ledger: Ledger, seeded: int) -> None:
    send_everything(ledger, EDITOR)
    ledger.unsubscribe(EDITOR)
    assert len(ledger.in_digest("d1")) == 3
    assert ledger.digests(EDITOR)[0]["status"] == "sent"


# -- slots -------------------------------------------------------------------------------------


def test_unknown_subscriber_has_no_slot_and_is_subscribed(ledger: Ledger) -> None:
    assert ledger.last_slot("nobody@example.com") is None
    assert not ledger.is_unsubscribed("nobody@example.com")


@pytest.mark.parametrize(
    ("slots", "last"),
    [
        (["2025-03-09T08:00:00+08:00"], "2025-03-09T08:00:00+08:00"),
        (["2025-03-09T08:00:00+08:00", "2025-03-10T08:00:00+08:00"], "2025-03-10T08:00:00+08:00"),
        (["2025-03-10T08:00:00+08:00", "2025-03-09T08:00:00+08:00"], "2025-03-10T08:00:00+08:00"),
        (["2025-03-09T09:00:00+08:00", "2025-03-09T08:59:59+08:00"], "2025-03-09T09:00:00+08:00"),
        (["2025-12-31T08:00:00+08:00", "2026-01-01T08:00:00+08:00"], "2026-01-01T08:00:00+08:00"),
    ],
)
def test_skip_slot_never_moves_backwards(ledger: Ledger, slots: list[str], last: str) -> None:
    for slot in slots:
        ledger.skip_slot(EDITOR, slot)
    assert ledger.last_slot(EDITOR) == last


def test_a_sent_digest_for_an_older_slot_does_not_move_the_slot_back(
    ledger: Ledger, seeded: int
) -> None:
    ledger.skip_slot(EDITOR, "2025-03-10T08:00:00+08:00")
    send_everything(ledger, EDITOR, slot="2025-03-09T08:00:00+08:00")
    assert ledger.last_slot(EDITOR) == "2025-03-10T08:00:00+08:00"


def test_slots_survive_a_restart(tmp_path: Path) -> None:
    first = Ledger(tmp_path / "alerts.sqlite3")
    first.skip_slot(EDITOR, SLOT)
    first.unsubscribe(WATCHER)
    first.close()
    second = Ledger(tmp_path / "alerts.sqlite3")
    try:
        assert second.last_slot(EDITOR) == SLOT and second.is_unsubscribed(WATCHER)
    finally:
        second.close()


def test_unsubscribe_keeps_the_last_slot(ledger: Ledger) -> None:
    ledger.skip_slot(EDITOR, SLOT)
    ledger.unsubscribe(EDITOR)
    assert ledger.last_slot(EDITOR) == SLOT
