"""The generic extractor against bare trafilatura and readability-lxml, on the same pages.

    .venv/bin/python bench/extract_generic.py            # the development corpus, then holdout
    .venv/bin/python bench/extract_generic.py --pages    # plus one line per page (ours)
    .venv/bin/python bench/extract_generic.py --repeat 3 # more timing rounds

Prints, for each set (``tests/corpus`` and ``tests/corpus/holdout``): per-field accuracy
(title exact, publish day right, times of day invented, precision right, authors, origin and
editor exact), body character-F1 (mean, and the share of pages ≥ 0.95) and pages/s, for
Tidewatch's generic path, ``trafilatura.bare_extraction`` with and without tables, and
readability-lxml. Every extractor gets the same decoded text; timing covers extraction only.
The holdout is never tuned on: its figures estimate unseen pages. Figures are noisy on a
shared machine.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import trafilatura  # noqa: E402
from extract_measure import CORPUS, NOW, Case, char_f1, load  # noqa: E402
from readability import Document  # noqa: E402

from crawler.extract import dom  # noqa: E402
from crawler.extract.generic import extract  # noqa: E402

logging.getLogger("readability").setLevel(logging.ERROR)
logging.getLogger("trafilatura").setLevel(logging.ERROR)


@dataclass
class Result:
    title: str | None = None
    day: date | None = None
    time_of_day: bool = False  # the extractor states a time of day
    moment: datetime | None = None
    precision: str | None = None  # None: the extractor does not say
    body: str | None = None
    authors: list[str] | None = None
    origin: str | None = None
    editor: str | None = None
    has: set[str] = field(default_factory=set)  # the fields this extractor produces


def ours(case: Case) -> Result:
    x = extract(case.html, case.url, now=NOW)
    precision = str(x.published_precision)
    return Result(
        title=x.title,
        day=x.published_at.date() if x.published_at else None,
        time_of_day=precision in ("minute", "second"),
        moment=x.published_at,
        precision=precision,
        body=x.body,
        authors=x.authors,
        origin=x.origin,
        editor=x.editor,
        has={"title", "day", "precision", "body", "authors", "origin", "editor"},
    )


def _trafilatura(tables: bool) -> Callable[[Case], Result]:
    def run(case: Case) -> Result:
        doc = trafilatura.bare_extraction(
            case.html,
            url=case.url,
            include_tables=tables,
            include_comments=False,
            with_metadata=True,
        )
        if doc is None:
            return Result(has={"title", "day", "body", "authors"})
        day = None
        if doc.date:
            try:
                day = date.fromisoformat(doc.date[:10])
            except ValueError:
                day = None
        authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        return Result(
            title=doc.title,
            day=day,
            body=doc.text,
            authors=authors,
            has={"title", "day", "body", "authors"},
        )

    return run


def readability_lxml(case: Case) -> Result:
    document = Document(case.html)
    summary = document.summary(html_partial=True)
    page = dom.parse(summary)
    lines, _ = dom.lines(page.root, case.url)
    return Result(
        title=document.short_title(),
        body="\n".join(line.text for line in lines),
        has={"title", "body"},
    )


EXTRACTORS: dict[str, Callable[[Case], Result]] = {
    "tidewatch generic": ours,
    "trafilatura (tables)": _trafilatura(True),
    "trafilatura (no tables)": _trafilatura(False),
    "readability-lxml": readability_lxml,
}


# -- scoring -------------------------------------------------------------------------------------


@dataclass
class Score:
    pages: int = 0
    seconds: float = 0.0
    counts: Counter = field(default_factory=Counter)
    f1: list[float] = field(default_factory=list)
    per_page: list[tuple[str, float, list[str]]] = field(default_factory=list)


def score(case: Case, result: Result, tally: Score) -> None:
    want = case.expected
    wrong: list[str] = []

    def check(name: str, ok: bool) -> None:
        tally.counts[name] += ok
        if not ok:
            wrong.append(name)

    want_moment = datetime.fromisoformat(want["published_at"]) if want["published_at"] else None
    if "title" in result.has:
        check("title", result.title == want["title"])
    if "day" in result.has:
        check("day", result.day == (want_moment.date() if want_moment else None))
        invented = result.time_of_day and want["published_precision"] in ("day", "unknown")
        tally.counts["invented"] += invented
        if invented:
            wrong.append("invented-time")
    if "precision" in result.has:
        check("precision", result.precision == want["published_precision"])
        check("time", result.moment == want_moment)
    if "authors" in result.has:
        check("authors", result.authors == want["authors"])
    if "origin" in result.has:
        check("origin", result.origin == want["origin"])
    if "editor" in result.has:
        check("editor", result.editor == want["editor"])
    f1 = char_f1(result.body, "\n".join(want["body"]))
    tally.f1.append(f1)
    if f1 < 0.95:
        wrong.append(f"body {f1:.3f}")
    tally.per_page.append((case.name, f1, wrong))


def run(cases: list[Case], repeat: int) -> dict[str, Score]:
    scores = {}
    for name, extractor in EXTRACTORS.items():
        tally = Score(pages=len(cases))
        results = [extractor(case) for case in cases]  # warm-up and the measured results
        started = time.perf_counter()
        for _ in range(repeat):
            for case in cases:
                extractor(case)
        tally.seconds = (time.perf_counter() - started) / repeat
        for case, result in zip(cases, results, strict=True):
            score(case, result, tally)
        scores[name] = tally
    return scores


def report(title: str, cases: list[Case], scores: dict[str, Score], pages: bool) -> None:
    n = len(cases)
    print(f"\n== {title}: {n} pages ==")
    fields = [
        ("title exact", "title"),
        ("publish day right", "day"),
        ("time exact", "time"),
        ("precision right", "precision"),
        ("authors exact", "authors"),
        ("origin exact", "origin"),
        ("editor exact", "editor"),
    ]
    names = list(scores)
    width = 24
    print(" " * 26 + "".join(f"{name:>{width}}" for name in names))

    def row(label: str, values: list[str]) -> None:
        print(f"{label:<26}" + "".join(f"{v:>{width}}" for v in values))

    for label, key in fields:
        values = []
        for name in names:
            tally = scores[name]
            measured = key in _fields_of(name)
            values.append(
                f"{tally.counts[key]}/{n} {tally.counts[key] / n:6.1%}" if measured else "—"
            )
        row(label, values)
    row(
        "times of day invented",
        [
            str(scores[name].counts["invented"]) if "day" in _fields_of(name) else "—"
            for name in names
        ],
    )
    row("body char-F1 mean", [f"{sum(s.f1) / n:.3f}" for s in scores.values()])
    row(
        "body char-F1 ≥ 0.95",
        [
            f"{sum(f >= 0.95 for f in s.f1)}/{n} {sum(f >= 0.95 for f in s.f1) / n:6.1%}"
            for s in scores.values()
        ],
    )
    row("pages/s", [f"{n / s.seconds:.0f}" if s.seconds else "—" for s in scores.values()])
    ours_score = scores["tidewatch generic"]
    misses = [(page, f1, wrong) for page, f1, wrong in ours_score.per_page if wrong]
    if pages or misses:
        print(f"\n  tidewatch generic, pages with a miss ({len(misses)}):")
        for page, f1, wrong in ours_score.per_page if pages else misses:
            print(f"    {page:<58} F1 {f1:.3f}  {', '.join(wrong) or 'ok'}")


def _fields_of(name: str) -> set[str]:
    if name == "tidewatch generic":
        return {"title", "day", "time", "precision", "authors", "origin", "editor"}
    if name.startswith("trafilatura"):
        return {"title", "day", "authors"}
    return {"title"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", action="store_true", help="one line per page")
    parser.add_argument("--repeat", type=int, default=2, help="timing rounds")
    parser.add_argument("--no-holdout", action="store_true", help="the development corpus only")
    args = parser.parse_args()
    sets = [("development corpus (tests/corpus)", CORPUS)]
    if not args.no_holdout and (CORPUS / "holdout" / "expected").is_dir():
        sets.append(("holdout (tests/corpus/holdout, never tuned on)", CORPUS / "holdout"))
    print("bench/extract_generic.py — noisy on a shared machine; timing is extraction only")
    for title, root in sets:
        cases = load(root)
        if cases:
            report(title, cases, run(cases, args.repeat), args.pages)


if __name__ == "__main__":
    main()
