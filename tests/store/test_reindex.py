"""`tidewatch index reindex`: every article into a new versioned index, resumable, then one
atomic alias switch (against the recording fake: the requests and the bookkeeping)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch.helpers import BulkIndexError
from fake_es import FakeElasticsearch
from support import EXPECTED, expected_article

from store.base import article_id
from store.elasticsearch import ElasticsearchStore, mapping_version
from store.reindex import reindex
from store.sqlite import SqliteStore
from tidewatch.cli import main

ALIAS = "tidewatch-articles"
REPLICA = len(list(EXPECTED.glob("*/*.json")))  # articles in the replica's expected files


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "tidewatch.sqlite3")
    for path in sorted(EXPECTED.glob("*/*.json")):
        store.upsert(expected_article(path.parent.name, path.stem))
    yield store
    store.close()


def target(fake: FakeElasticsearch, tmp_path: Path) -> ElasticsearchStore:
    return ElasticsearchStore(fake.url, batch_size=5)


def test_reindex_copies_everything_and_switches_the_alias(
    fake: FakeElasticsearch, sqlite: SqliteStore, tmp_path: Path
) -> None:
    es = target(fake, tmp_path)
    old = es.create()
    index, copied = reindex(es, sqlite, tmp_path / "reindex.json")
    assert copied == sqlite.count() == REPLICA
    assert index.startswith(f"{ALIAS}-v{mapping_version()}-") and index != old
    assert set(fake.aliases[ALIAS]) == {index}  # one alias, on the new index only
    ids = Counter(item.id for item in fake.bulk_items(op="index", index=index))
    assert set(ids) == {a.id for a in sqlite.articles()} and set(ids.values()) == {1}
    copied_docs = fake.docs(index)
    assert all(doc["text_plain"] is True for doc in copied_docs.values())  # computed anew
    switch = fake.calls("POST", "_aliases")[-1].body["actions"]
    assert switch == [
        {"remove": {"index": old, "alias": ALIAS}},
        {"add": {"index": index, "alias": ALIAS}},
    ]
    assert not (tmp_path / "reindex.json").exists()
    es.close()


def test_an_interrupted_reindex_resumes_where_it_stopped(
    fake: FakeElasticsearch, sqlite: SqliteStore, tmp_path: Path
) -> None:
    es = target(fake, tmp_path)
    old = es.create()
    tenth = list(sqlite.articles())[9]
    fake.fail_items([tenth.id], status=500, times=None)
    with pytest.raises(BulkIndexError):
        reindex(es, sqlite, tmp_path / "reindex.json")
    assert (tmp_path / "reindex.json").exists()
    assert set(fake.aliases[ALIAS]) == {old}  # readers still see the old index

    fake.fail_items([tenth.id], status=500, times=0)
    index, copied = reindex(es, sqlite, tmp_path / "reindex.json")
    assert copied == REPLICA
    written = Counter(item.id for item in fake.bulk_items(op="index", index=index))
    first_batch = [a.id for a in list(sqlite.articles())[:5]]
    assert all(written[i] == 1 for i in first_batch)  # not copied twice
    assert set(fake.aliases[ALIAS]) == {index}
    es.close()


def test_cli_reindex_from_sqlite(
    fake: FakeElasticsearch,
    sqlite: SqliteStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TIDEWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TIDEWATCH_ES_URL", fake.url)
    assert main(["index", "create"]) == 0
    assert main(["index", "reindex", "--from", "sqlite"]) == 0
    out, err = capsys.readouterr()
    assert f"{REPLICA} articles copied into tidewatch-articles-v{mapping_version()}-" in out
    assert f"{REPLICA}/{REPLICA}" in err  # the progress bar's last state
    assert main(["index", "status"]) == 0
    status = capsys.readouterr().out
    assert "xsnet" in status and "spooled, waiting for the index: 0" in status
    assert article_id("http://www.xsnet.cn/news/szjj/2019_1/3025263.shtml") in fake.docs(ALIAS)
