"""bench/store_scale.py, run small: it prints a count for every query, on SQLite as written
and tidied, and on Elasticsearch (the fake, over HTTP), and each is the truth found by
reading every synthetic article the bench wrote."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from store.query import parse
from store.textnorm import normalize

TESTS = Path(__file__).resolve().parents[1]
BENCH = TESTS.parent / "bench" / "store_scale.py"
SIZE = 300
SECTION = re.compile(r"^== (?P<store>\w+)", re.M)
LINE = re.compile(r"'(?P<query>[^']+)'\s+search .* count\s+(?P<count>[\d,]+) \(exact,")


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(path.stem, module)
    spec.loader.exec_module(module)
    return module


def test_every_count_it_prints_is_the_truth() -> None:
    fake = _load(TESTS / "store" / "fake_es.py").FakeElasticsearch
    with fake().start() as es:
        run = subprocess.run(
            [sys.executable, str(BENCH), "--size", str(SIZE), "--runs", "2", "--floor"],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "TIDEWATCH_ES_URL": es.url},
        )
    assert run.returncode == 0, run.stderr
    bench = _load(BENCH)
    articles = [(normalize(a.title), normalize(a.body)) for a in bench.synthetic(SIZE)]
    assert SECTION.findall(run.stdout) == ["sqlite", "sqlite", "elasticsearch"]
    printed = [(m["query"], int(m["count"].replace(",", ""))) for m in LINE.finditer(run.stdout)]
    assert [q for q, _ in printed] == list(bench.QUERIES.values()) * 3
    for query, count in printed:
        truth = sum(parse(query).matches_text(title, body) for title, body in articles)
        assert count == truth, query
    assert len(re.findall(r"insert, new articles: [\d,]+/s wall", run.stdout)) == 3
    assert "floor: bare FTS5" in run.stdout
