"""SQLite-only behaviour: migrations from schemas 2 and 3, source numbers in the keys,
storage per article, and real faults (a lock held by another process, a full tmpfs, a corrupt
file, SIGKILL in the middle of a crawl)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from support import EXPECTED, expected_article

from model.article import Article, Precision
from model.clock import SHANGHAI
from store.base import Outcome, StoreError, article_id
from store.query import parse
from store.sqlite import EPOCH, NUMBER_BITS, SCHEMA_VERSION, SLOT_BITS, SOURCE_MASK, SqliteStore
from store.textnorm import normalize

ROOT = Path(__file__).resolve().parents[2]
STORES = ROOT / "tests" / "fixtures" / "store"  # schemaN.sqlite3: written by schema-N code


def replica_articles() -> list[Article]:
    """What the schema-2 fixture holds (the e-paper with day precision), latest versions."""
    made = [expected_article(p.parent.name, p.stem) for p in sorted(EXPECTED.glob("*/*.json"))]
    made = [
        dataclasses.replace(a, published_precision=Precision.DAY) if "xsrb" in a.url else a
        for a in made
    ]
    made[0] = dataclasses.replace(made[0], body=made[0].body + "\n（更正）")
    return made


def long_articles(count: int, seed: int = 3, days: int = 5 * 365) -> list[Article]:
    """About 2,300 characters each, sentences drawn from the replica's bodies, published
    within ``days``."""
    rng = random.Random(seed)
    sentences = [
        s + "。"
        for p in sorted(EXPECTED.glob("*/*.json"))
        for paragraph in json.loads(p.read_text())["body"]
        for s in paragraph.split("。")
        if len(s) > 5
    ]
    start = datetime(2021, 1, 1, 8, tzinfo=SHANGHAI)
    made = []
    for i in range(count):
        body: list[str] = []
        while sum(map(len, body)) < 2300:
            body.append(rng.choice(sentences))
        made.append(
            Article(
                url=f"http://www.xsnet.cn/long/{i}.shtml",
                source=rng.choice(["xsnet", "tidenews", "xsrb"]),
                title=rng.choice(sentences)[:20],
                published_at=start + timedelta(hours=rng.randrange(days * 24)),
                body="\n".join("".join(body[k : k + 5]) for k in range(0, len(body), 5)),
                channel=rng.choice(["时政经济", "社会民生", "文化体育"]),
            )
        )
    return made


# -- migration --------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", [2, 3])
def test_an_older_store_is_migrated_with_its_versions_and_precision(
    tmp_path: Path, schema: int
) -> None:
    path = tmp_path / "tidewatch.sqlite3"
    shutil.copy(STORES / f"schema{schema}.sqlite3", path)
    store = SqliteStore(path)
    fresh = SqliteStore(tmp_path / "fresh.sqlite3")
    held = {a.url for a in store.articles()}  # the replica as it was when the fixture was made
    fresh.upsert_many([a for a in replica_articles() if a.url in held])
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in store._db.execute("SELECT name FROM sqlite_master")}
    assert not tables & {"articles_fts", "articles_v2", "articles_v3"}
    numbers = dict(store._db.execute("SELECT name, n FROM sources"))
    keys = store._db.execute("SELECT rowid, source, published_at FROM articles").fetchall()
    for rowid, source, published_at in keys:  # each key names its source and day
        assert rowid >> NUMBER_BITS & SOURCE_MASK == numbers[source], source
        assert EPOCH + timedelta(days=rowid >> SLOT_BITS) == date.fromisoformat(published_at[:10])
    assert store.counts_by_source() == fresh.counts_by_source() and store.count() == 16
    for text in ("钱塘", "钱塘 -钱塘江", "数字经济", "区", "NOT 钱塘"):
        got = [h.article.url for h in store.search(parse(text), limit=50)]
        assert got == [h.article.url for h in fresh.search(parse(text), limit=50)], text
        assert store.count_matches(parse(text)) == fresh.count_matches(parse(text))
    corrected = replica_articles()[0]
    versions = store.versions(article_id(corrected.url))
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["body"].endswith("（更正）") and not versions[0]["body"].endswith("（更正）")
    epaper = [a for a in store.articles(source="xsrb")]
    assert epaper and {a.published_precision for a in epaper} == {"day"}
    assert store.validators(replica_articles()[1].url).etag == '"v2"'
    store.close()
    again = SqliteStore(path)  # opening a migrated store changes nothing
    assert again.count() == 16 and again.search(parse("钱塘"))
    again.close()


def test_each_source_is_counted_apart_in_one_pass_however_many_there_are(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3")
    made = long_articles(60)
    made = [dataclasses.replace(a, source=f"src{i % 7}") for i, a in enumerate(made)]
    store.upsert_many(made[:30])
    store.upsert_many(made[30:])  # sources first seen in a later batch get numbers too
    for text in ("钱塘", "的", "NOT 钱塘", "数字经济 OR 萧山"):
        truth: dict[str, int] = {}
        for a in made:
            if parse(text).matches_text(a.title, a.body):
                truth[a.source] = truth.get(a.source, 0) + 1
        counts = store.count_matches(parse(text))
        assert counts.by_source == truth and counts.total == sum(truth.values()), text
        assert store.count_matches(parse(text), source="src3").by_source == (
            {"src3": truth["src3"]} if "src3" in truth else {}
        )


def test_an_article_that_changes_source_is_counted_under_its_new_one(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3")
    article = dataclasses.replace(long_articles(1)[0], source="xsnet", body="钱塘新闻。")
    store.upsert(article)
    store.upsert(dataclasses.replace(article, source="tidenews", body="钱塘新闻，更正。"))
    assert store.count_matches(parse("钱塘")).by_source == {"tidenews": 1}
    assert [h.article.source for h in store.search(parse("钱塘"))] == ["tidenews"]
    assert store.count_matches(parse("钱塘"), source="xsnet").total == 0


def test_the_source_beyond_what_keys_can_number_is_refused_by_name(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3")
    first, known, newcomer = long_articles(3)
    store.upsert(first)
    with store._db:
        store._db.executemany(
            "INSERT INTO sources (name) VALUES (?)", ((f"s{i}",) for i in range(SOURCE_MASK - 1))
        )
    known = dataclasses.replace(known, source=first.source)
    newcomer = dataclasses.replace(newcomer, source="newcomer")
    with pytest.raises(StoreError, match="newcomer: more than 255 sources"):
        store.upsert_many([known, newcomer])
    assert store.count() == 1  # the whole batch was refused
    assert not store._db.execute("SELECT 1 FROM sources WHERE name = 'newcomer'").fetchone()


def test_tidying_merges_the_index_in_short_steps_and_changes_no_answer(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3")
    made = long_articles(300, days=10)
    for at in range(0, len(made), 5):  # small batches: many segments
        store.upsert_many(made[at : at + 5])

    def segments() -> int:  # FTS5 numbers its pages ``segment << 37 | page``
        sql = "SELECT count(DISTINCT rowid >> 37) FROM grams_data WHERE rowid >> 37 > 0"
        return store._db.execute(sql).fetchone()[0]

    queries = [parse(q) for q in ("钱塘", "的", "钱塘 -钱塘江", "数字经济 NOT 钱塘")]

    def answers() -> list[object]:
        return [
            (store.count_matches(q), store.trend(q, bucket="day"), store.search(q, limit=30))
            for q in queries
        ]

    before, untidy = answers(), segments()
    assert store.tidy(0) is False  # one step, and more work left
    while not store.tidy(0):
        pass
    assert untidy >= 8 and segments() <= 3
    assert answers() == before
    assert store.tidy(0) is True  # nothing left: no work done


def test_a_store_from_a_newer_tidewatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this Tidewatch"):
        SqliteStore(path)


# -- storage ----------------------------------------------------------------------------------


def test_storage_per_article_and_per_old_version(tmp_path: Path) -> None:
    path = tmp_path / "size.sqlite3"
    store = SqliteStore(path)
    made = long_articles(1000, days=20)  # 50 a day, as in bench/store_scale.py at 100k
    for start in range(0, len(made), 250):
        store.upsert_many(made[start : start + 250])

    def size() -> int:  # the database's pages, wherever they are (the WAL may hold some)
        (pages,) = store._db.execute("PRAGMA page_count").fetchone()
        return pages * store._db.execute("PRAGMA page_size").fetchone()[0]

    per_article = size() / len(made)
    assert per_article <= 15 * 1024, per_article  # at 100k see bench/store_scale.py
    edited = [dataclasses.replace(a, body=a.body + "\n（更正）") for a in made[:200]]
    store.upsert_many(edited)
    (versions,) = store._db.execute(
        "SELECT sum(pgsize) FROM dbstat WHERE name = 'article_versions'"
    ).fetchone()
    assert versions / 200 <= 1024  # an old version is a delta against the next, not a copy
    assert store.versions(article_id(made[0].url))[0]["body"] == made[0].body
    store.close()


# -- faults -----------------------------------------------------------------------------------


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """A second process holding the write lock (BEGIN EXCLUSIVE) for ``seconds``."""
    code = textwrap.dedent(
        f"""
        import sqlite3, sys, time
        db = sqlite3.connect({str(path)!r}, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        time.sleep({seconds})
        db.execute("COMMIT")
        """
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_a_lock_held_for_a_while_is_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    store = SqliteStore(path, busy_timeout=0.3, retries=6)
    child = hold_lock(path, 1.0)
    started = time.monotonic()
    assert store.upsert_many(long_articles(3)) and store.count() == 3
    assert time.monotonic() - started >= 0.5  # it really waited for the other process
    child.wait(timeout=10)
    store.close()


def test_a_lock_held_too_long_is_a_store_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    store = SqliteStore(path, busy_timeout=0.2, retries=2)
    child = hold_lock(path, 30)
    try:
        with pytest.raises(StoreError, match="locked by another process") as caught:
            store.upsert_many(long_articles(2))
        assert str(path) in str(caught.value)
    finally:
        child.kill()
        child.wait()
    assert store.count() == 0  # nothing half-written
    assert store.upsert_many(long_articles(2)) and store.count() == 2  # and it recovers
    store.close()


FILL = textwrap.dedent(
    """
    import json, os, random, sys
    sys.path[:0] = [os.getcwd(), sys.argv[2], sys.argv[3]]
    from test_sqlite_store import long_articles
    from store.base import StoreError
    from store.sqlite import SqliteStore
    store = SqliteStore(sys.argv[1] + "/tidewatch.sqlite3")
    committed, error = 0, None
    for n in range(400):
        batch = long_articles(20, seed=n)
        for a in batch:  # incompressible: fill the disk fast
            a.url += f"?{n}"
            a.body += "".join(chr(random.randrange(0x4E00, 0x9FFF)) for _ in range(3000))
        try:
            store.upsert_many(batch)
        except StoreError as e:
            error = str(e)
            break
        committed += len(batch)
    store.close()
    reopened = SqliteStore(sys.argv[1] + "/tidewatch.sqlite3")
    print(json.dumps({"committed": committed, "error": error, "count": reopened.count()}))
    """
)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"), reason="needs root")
def test_a_full_disk_is_a_store_error_and_loses_nothing_committed(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    script = tmp_path / "fill.py"
    script.write_text(FILL)
    here, tests = Path(__file__).parent, ROOT / "tests"
    command = (
        f"mount -t tmpfs -o size=2m tmpfs {mount} && "
        f"cd {ROOT} && {sys.executable} {script} {mount} {here} {tests}"
    )
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", command], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["error"] and "disk is full" in result["error"]
    assert str(mount) in result["error"] and "Traceback" not in done.stderr
    assert result["committed"] > 0 and result["count"] == result["committed"]


def test_a_file_of_random_bytes_is_one_clear_store_error(tmp_path: Path) -> None:
    path = tmp_path / "tidewatch.sqlite3"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    with pytest.raises(StoreError) as caught:
        SqliteStore(path)
    message = str(caught.value)
    assert str(path) in message and "move it aside" in message and "Restore" in message


def test_a_damaged_store_is_a_store_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "tidewatch.sqlite3"
    store = SqliteStore(path)
    store.upsert_many(long_articles(200))
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    rng = random.Random(1)
    for page in range(4, len(data) // 4096, 3):  # every third page, header left intact
        data[page * 4096 : page * 4096 + 4096] = rng.randbytes(4096)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=str(path)) as caught:
        damaged = SqliteStore(path)
        for text in ("钱塘", "数字经济", "NOT 的"):
            damaged.search(parse(text))
            damaged.count_matches(parse(text))
        list(damaged.articles())
    assert "move it aside" in str(caught.value)


def test_the_command_line_reports_a_corrupt_store_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tidewatch.sqlite3").write_bytes(random.Random(3).randbytes(8192))
    env = {**os.environ, "TIDEWATCH_DATA_DIR": str(data)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "tidewatch"), "search", "钱塘"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "tidewatch.sqlite3" in done.stderr and "move it aside" in done.stderr


WRITER = textwrap.dedent(
    """
    import os, sys
    sys.path[:0] = [os.getcwd(), sys.argv[2], sys.argv[3]]
    from test_sqlite_store import long_articles
    from store.sqlite import SqliteStore
    store = SqliteStore(sys.argv[1])
    made = long_articles(600)
    for start in range(0, len(made), 50):
        store.upsert_many(made[start : start + 50])
        print(start + 50, flush=True)
    """
)


def test_sigkill_loses_no_committed_batch(tmp_path: Path) -> None:
    path = tmp_path / "tidewatch.sqlite3"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    child = subprocess.Popen(
        [sys.executable, str(script), str(path), str(Path(__file__).parent), str(ROOT / "tests")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    committed = 0
    for _ in range(4):
        committed = int(child.stdout.readline())
    child.send_signal(signal.SIGKILL)
    child.wait()
    store = SqliteStore(path)
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.count() >= committed and store.count() % 50 == 0  # whole batches only
    assert len(store.search(parse("的"), limit=5)) == 5
    store.close()


def test_an_index_built_by_another_tokenisation_is_rebuilt_on_open(tmp_path: Path) -> None:
    path = tmp_path / "tidewatch.sqlite3"
    store = SqliteStore(path)
    store.upsert_many(replica_articles())
    expected_hits = [h.article.url for h in store.search(parse("钱塘"), limit=50)]
    store._db.execute("INSERT INTO grams (grams) VALUES ('delete-all')")  # as if built otherwise
    store._db.execute("UPDATE store_meta SET value = 0 WHERE name = 'grams'")
    assert store.search(parse("钱塘")) == []
    store.close()
    reopened = SqliteStore(path)
    assert [h.article.url for h in reopened.search(parse("钱塘"), limit=50)] == expected_hits
    reopened.close()


def test_text_whose_characters_compose_is_found_and_counted_alike(tmp_path: Path) -> None:
    """Conjoining jamo and ﾞ beside folds that change the length (ß, ①): the index and the
    highlights once normalised them apart, so search dropped what count_matches counted."""
    base = replica_articles()[0]
    bodies = ["\u1112\u1161\u11abß①", "ｶﾞ ①钱塘", "\ud55c ガ", "\u1112\u1161\u11ab"]
    made = [
        dataclasses.replace(base, url=f"{base.url}?{n}", title=f"标题{n}", body=body)
        for n, body in enumerate(bodies)
    ]
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.upsert_many(made)
    for term, wanted in (("\ud55c", {0, 2, 3}), ("ガ", {1, 2}), ("ｶﾞ", {1, 2})):
        hits = store.search(parse(term), limit=10)
        assert {h.article.url for h in hits} == {made[n].url for n in wanted}, term
        assert store.count_matches(parse(term)).total == len(wanted), term
    store.close()


def test_articles_published_at_one_time_are_ordered_by_id_on_every_page(tmp_path: Path) -> None:
    """The contract's tie-break (store.base): newest first, then by id ascending, whatever
    the source or the order of writing, which make the rowids (Elasticsearch sorts so too)."""
    base = replica_articles()[0]
    moment = datetime(2024, 5, 1, 9, 30, tzinfo=SHANGHAI)
    made = [
        dataclasses.replace(
            base, url=f"{base.url}?tie={n}", source=f"s{n % 3}", title=f"标题{n}",
            body=f"钱塘{n}", published_at=moment - timedelta(days=n // 8),
        )
        for n in range(24)
    ]  # fmt: skip
    random.Random(5).shuffle(made)
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.upsert_many(made[:10])
    for a in made[10:]:
        store.upsert(a)
    want = sorted(made, key=lambda a: article_id(a.url))
    want = [a.url for a in sorted(want, key=lambda a: a.published_at, reverse=True)]
    pages = [store.search(parse("钱塘"), limit=5, offset=n) for n in range(0, 25, 5)]
    assert [h.article.url for page in pages for h in page] == want
    store.close()


@pytest.mark.parametrize(
    "rule",
    [
        *["钱,塘", '"钱 塘"', ",塘", "塘", "\U000f002c", "钱\U000f002c塘", "塘\U000f1000"],
        *['钱 -"钱,塘"', "塘 -钱\U000f002c塘"],
    ],
)
def test_text_holding_the_index_own_characters_matches_only_itself(
    tmp_path: Path, rule: str
) -> None:
    """The index moves separators to U+F00xx and ends a text with U+F1000; a text holding
    those characters itself is never taken for the separators (nor a term holding them)."""
    base = replica_articles()[0]
    bodies = ["钱\U000f002c塘", "钱塘\U000f1000", "钱,塘", "钱\U000f0020塘", "钱 塘", "塘"]
    made = [
        dataclasses.replace(base, url=f"{base.url}?{n}", title="", body=body)
        for n, body in enumerate(bodies)
    ]
    store = SqliteStore(tmp_path / "store.sqlite3")
    store.upsert_many(made)
    query = parse(rule)
    want = {a.url for a in made if query.matches_text("", normalize(a.body))}
    assert {h.article.url for h in store.search(query, limit=10)} == want
    assert store.count_matches(query).total == len(want)
    trend = store.trend(query, bucket="month")
    assert sum(n for per_source in trend.values() for n in per_source.values()) == len(want)
    store.close()


# -- index writes -----------------------------------------------------------------------------


def _marked(article: Article, mark: str) -> Article:
    return dataclasses.replace(article, body=f"{article.body}\n标记{mark}号")


def _found(store: SqliteStore, term: str) -> set[str]:
    return {h.article.url for h in store.search(parse(term), limit=500)}


def test_a_batch_out_of_day_order_with_moves_and_corrections_is_indexed_exactly(
    tmp_path: Path,
) -> None:
    """Index writes are applied in rowid order at commit: whatever order the batch came in,
    deletes of old versions and inserts of new ones leave exactly the current text findable,
    on the current publication day."""
    rng = random.Random(5)
    store = SqliteStore(tmp_path / "tidewatch.sqlite3")
    base = long_articles(80)
    first = [_marked(a, f"A{i:03d}") for i, a in enumerate(base)]
    rng.shuffle(first)  # publication days at random, as a backfill or several sources give them
    store.upsert_many(first)
    second = []
    for i, article in enumerate(base[:60]):
        corrected = _marked(article, f"B{i:03d}")  # the A mark is gone from the new version
        if i % 3 == 0:  # moved to another day, earlier or later
            shift = timedelta(days=rng.choice([-400, -3, 2, 250]))
            corrected = dataclasses.replace(corrected, published_at=article.published_at + shift)
        elif i % 3 == 1:  # the same day, another time
            corrected = dataclasses.replace(
                corrected, published_at=article.published_at.replace(minute=59)
            )
        second.append(corrected)
    second += [_marked(a, f"C{i:03d}") for i, a in enumerate(long_articles(20, seed=9))]
    second = [dataclasses.replace(a, url=a.url.replace("/long/", "/new/")) if "C" in
              a.body[-6:] else a for a in second]  # fmt: skip
    rng.shuffle(second)
    store.upsert_many(second)

    for i, article in enumerate(base):
        assert _found(store, f"A{i:03d}号") == (set() if i < 60 else {article.url})
    for article in second:
        mark = article.body.splitlines()[-1][2:]
        assert _found(store, mark) == {article.url}, mark
        day = article.published_at.replace(hour=0, minute=0, second=0)
        on_its_day = store.search(parse(mark), since=day, until=day + timedelta(days=1))
        assert [h.article.url for h in on_its_day] == [article.url]
    assert store.count_matches(parse("标记")).total == 100


def test_a_batch_refused_midway_leaves_nothing_behind_in_the_index(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "tidewatch.sqlite3")
    good = [_marked(a, f"D{i:03d}") for i, a in enumerate(long_articles(5))]
    too_old = dataclasses.replace(good[0], url="http://www.xsnet.cn/old.shtml",
                                  published_at=datetime(1899, 12, 31, tzinfo=SHANGHAI))  # fmt: skip
    with pytest.raises(StoreError, match="before 1900"):
        store.upsert_many([*good, too_old])
    assert _found(store, "标记") == set()
    bases = [dataclasses.replace(a, url=a.url + "?later") for a in long_articles(3, seed=8)]
    later = [_marked(a, f"E{i:03d}") for i, a in enumerate(bases)]
    store.upsert_many(later)
    assert _found(store, "标记") == {a.url for a in later}  # no write of the refused batch
    store.upsert_many([_marked(a, "F") for a in bases])  # and their deletes find their tokens
    assert _found(store, "标记E") == set()
    assert _found(store, "标记F号") == {a.url for a in later}


def test_a_store_made_before_the_index_tuning_gets_it_on_open(tmp_path: Path) -> None:
    from store.sqlite import INDEX_TUNING

    path = tmp_path / "tidewatch.sqlite3"
    store = SqliteStore(path)
    store.upsert_many(long_articles(3))
    store._db.execute("INSERT INTO grams (grams, rank) VALUES ('automerge', 4)")
    store._db.execute("DELETE FROM grams_config WHERE k = 'hashsize'")
    store.close()
    reopened = SqliteStore(path)
    config = dict(tuple(r) for r in reopened._db.execute("SELECT k, v FROM grams_config"))
    assert {k: config[k] for k in INDEX_TUNING} == INDEX_TUNING
    assert len(reopened.search(parse("。"), limit=10)) == 3


def test_revision_sees_another_process_commit_within_its_ttl_and_never_queues(
    tmp_path: Path,
) -> None:
    from store.sqlite import REVISION_TTL

    path = tmp_path / "tidewatch.sqlite3"
    store = SqliteStore(path)
    before = store.revision()
    other = SqliteStore(path)  # a crawl's connection
    other.upsert_many(long_articles(1))
    other.close()
    time.sleep(REVISION_TTL)
    seen = store.revision()
    assert seen != before
    store.upsert_many(long_articles(2)[1:])  # its own commits: at once
    own = store.revision()
    assert own != seen
    time.sleep(REVISION_TTL)
    with store._revision_lock:  # another thread is asking SQLite: this one does not wait
        started = time.monotonic()
        assert store.revision() == own
        assert time.monotonic() - started < 0.05
    store.close()


def checkpoint_threads(path: Path) -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name == f"checkpoint {path}"]


def test_commits_are_checkpointed_beside_the_writer_which_never_waits_for_it(
    tmp_path: Path,
) -> None:
    """The writer's own checkpoint waits for 64 MiB of WAL; a batch is copied into the file
    by the checkpoint thread soon after its commit, and another process sees it all."""
    path = tmp_path / "tidewatch.sqlite3"
    store = SqliteStore(path)
    empty = path.stat().st_size
    store.upsert_many(long_articles(300))
    deadline = time.monotonic() + 10
    while path.stat().st_size < empty + 1_000_000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size > empty + 1_000_000  # the pages are in the file itself
    assert checkpoint_threads(path)
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (300,)
    reader.close()
    store.close()
    assert not checkpoint_threads(path)  # close() ends it


def test_the_checkpoint_thread_ends_when_commits_stop_and_comes_back_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("store.sqlite.CHECKPOINTER_IDLE", 0.2)
    path = tmp_path / "tidewatch.sqlite3"
    store = SqliteStore(path)
    for article in long_articles(3):
        store.upsert(article)
        assert checkpoint_threads(path)
        time.sleep(0.6)
        assert not checkpoint_threads(path)  # a store dropped without close() leaves none
    assert store.count() == 3
    store.close()


def test_an_article_changed_by_another_process_while_a_batch_is_prepared_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is prepared outside its transaction; what another process commits meanwhile
    is seen inside it, and the batch's version still wins, whole."""
    path = tmp_path / "tidewatch.sqlite3"
    store = SqliteStore(path)
    (first,) = long_articles(1)
    store.upsert(first)
    prepare = SqliteStore._prepared

    def prepared_then_changed(self: SqliteStore, articles: list[Article]) -> object:
        found = prepare(self, articles)
        subprocess.run(  # another process corrects the article before our transaction
            [sys.executable, "-c", textwrap.dedent(f"""
                import dataclasses, pickle, sys
                from pathlib import Path
                from store.sqlite import SqliteStore
                article = pickle.loads(bytes.fromhex({first_hex!r}))
                store = SqliteStore(Path({str(path)!r}))
                store.upsert(dataclasses.replace(article, body=article.body + "（他处更正）"))
                store.close()
            """)],
            check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        return found

    import pickle

    first_hex = pickle.dumps(first).hex()
    monkeypatch.setattr(SqliteStore, "_prepared", prepared_then_changed)
    assert store.upsert(first) is Outcome.UPDATED  # prepared as unchanged, found changed
    monkeypatch.undo()
    stored = store.get(article_id(first.url))
    assert stored is not None and stored.body == first.body and stored.version == 3
    assert store.count_matches(parse("他处更正")).total == 0  # the other version left the index
    assert store.count_matches(parse(first.title)).total == 1
    store.close()
