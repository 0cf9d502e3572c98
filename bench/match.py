"""Benchmark: alert matching throughput (articles/s) for 10, 1,000 and 10,000 rules.

Rules are drawn from the replica's own vocabulary (2–4 character runs of its article bodies,
plus combinations that never occur): plain terms, AND, OR, NOT and ``X -XY`` exclusions,
ten rules per subscriber. Every replica article (crawled offline into a real SQLite store, as
the alert tests do) is matched over and over for a few seconds per size. A second, selective
rule set (terms that do not occur in the replica, as most alerts do not fire on most
articles) isolates the cost of the scan from the cost of the matches it finds. Prints
throughput, matches per article, the automaton build time and peak RSS; ``--profile`` adds a
cProfile of the largest size.

    python bench/match.py [--seconds 3] [--sizes 10 1000 10000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "alerts")]

from mailsink import fill_store  # noqa: E402

from alerts.matcher import Matcher  # noqa: E402
from alerts.subscriptions import Subscriber  # noqa: E402
from store.base import StoredArticle  # noqa: E402
from tidewatch.config import Config  # noqa: E402

RULES_PER_SUBSCRIBER = 10
SOURCES = [None, None, None, ["tidenews"], ["xsnet", "xsrb"]]  # most subscribers want all


def replica_articles() -> list[StoredArticle]:
    with tempfile.TemporaryDirectory() as tmp:
        store = fill_store(Config(data_dir=Path(tmp)))
        articles = list(store.articles())
        store.close()
    return articles


class Vocabulary:
    """Chinese 2–4 character strings of the replica bodies, and longer contexts of each."""

    def __init__(
        self, articles: list[StoredArticle], rng: random.Random, selective: bool = False
    ) -> None:
        grams: Counter[str] = Counter()
        for article in articles:
            for run in re.findall(r"[\u4e00-\u9fff]{2,}", article.body):
                for n in (2, 3, 4):
                    grams.update({run[i : i + n] for i in range(len(run) - n + 1)})
        self.rng = rng
        self.words = sorted(grams)  # mostly specific: most n-grams occur in one article
        self.common = [w for w, c in grams.most_common(200) if len(w) == 2]
        self.contexts: dict[str, list[str]] = {}
        for word in self.words:
            if len(word) >= 3:
                self.contexts.setdefault(word[:2], []).append(word)
        self.extendable = sorted(self.contexts)
        self.selective = selective
        self.text = "\n".join(a.title + "\n" + a.body for a in articles)

    def term(self) -> str:
        if self.selective:
            return self.absent()
        roll = self.rng.random()
        if roll < 0.1:
            return self.rng.choice(self.common)  # 发展, 产业: matches many articles
        if roll < 0.7:
            return self.rng.choice(self.words)
        a, b = self.rng.sample(self.words, 2)  # two real words that (mostly) never meet
        return a[:2] + b[:2]

    def absent(self) -> str:
        """Two real words joined: a plausible keyword that no replica article contains."""
        while True:
            a, b = self.rng.sample(self.words, 2)
            if (word := a[:2] + b[:2]) not in self.text:
                return word

    def rule(self) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            return self.term()
        if roll < 0.6:
            return f"{self.term()} {self.term()}"
        if roll < 0.75:
            return f"{self.term()} OR {self.term()}"
        if roll < 0.9:
            word = self.absent() if self.selective else self.rng.choice(self.extendable)
            context = word + "区" if self.selective else self.rng.choice(self.contexts[word])
            return f"{word} -{context}"
        if roll < 0.95:
            return f"({self.term()} OR {self.term()}) {self.term()}"
        return f"{self.term()} NOT {self.term()}"


def subscribers(vocabulary: Vocabulary, rules: int) -> list[Subscriber]:
    texts = [vocabulary.rule() for _ in range(rules)]
    for start in range(0, rules, RULES_PER_SUBSCRIBER):  # a subscriber lists a rule once
        chunk = texts[start : start + RULES_PER_SUBSCRIBER]
        while len(set(chunk)) < len(chunk):
            chunk = [*dict.fromkeys(chunk), vocabulary.rule()]
        texts[start : start + RULES_PER_SUBSCRIBER] = chunk[:RULES_PER_SUBSCRIBER]
    return [
        Subscriber(
            email=f"s{n}@example.com",
            name=f"subscriber {n}",
            rules=texts[start : start + RULES_PER_SUBSCRIBER],
            sources=SOURCES[n % len(SOURCES)],
        )
        for n, start in enumerate(range(0, rules, RULES_PER_SUBSCRIBER))
    ]


def run(matcher: Matcher, articles: list[StoredArticle], seconds: float) -> tuple[int, int, float]:
    """Match the articles round after round for ``seconds``; (articles, matches, elapsed)."""
    done = found = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for article in articles:
            found += len(matcher.match(article))
        done += len(articles)
    return done, found, elapsed


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def table(
    title: str, vocabulary: Vocabulary, articles: list[StoredArticle], args: argparse.Namespace
) -> None:
    print(f"\n{title}")
    print(
        f"{'rules':>7} {'subscribers':>11} {'build':>9} {'articles/s':>11} {'µs/article':>11} "
        f"{'matches/article':>16} {'µs/match':>9} {'peak RSS':>10}"
    )
    for size in args.sizes:
        people = subscribers(vocabulary, size)
        started = time.perf_counter()
        matcher = Matcher(people)
        build = time.perf_counter() - started
        done, found, elapsed = run(matcher, articles, args.seconds)
        per_match = f"{elapsed / found * 1e6:>9,.1f}" if found else f"{'-':>9}"
        print(
            f"{size:>7,} {len(people):>11,} {build * 1000:>7.1f}ms {done / elapsed:>11,.0f} "
            f"{elapsed / done * 1e6:>11,.1f} {found / done:>16,.1f} {per_match} "
            f"{peak_rss_mib():>7.1f}MiB"
        )


def main() -> None:
    logging.disable(logging.WARNING)  # the spiders warn about the unset signing salt
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="matching time per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000, 10_000])
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    args = parser.parse_args()

    articles = replica_articles()
    chars = sum(len(a.title) + len(a.body) for a in articles)
    vocabulary = Vocabulary(articles, random.Random(20250309))
    print(
        f"articles:    {len(articles)} ({chars:,} characters); "
        f"vocabulary: {len(vocabulary.words):,} strings of 2–4 characters"
    )
    print(f"peak RSS before matching: {peak_rss_mib():.1f} MiB")
    table(
        "rules from the replica's vocabulary (each fires on some replica article):",
        vocabulary,
        articles,
        args,
    )
    selective = Vocabulary(articles, random.Random(20250309), selective=True)
    table(
        "selective rules (keywords absent from the replica: the scan alone):",
        selective,
        articles,
        args,
    )
    if args.profile:
        matcher = Matcher(subscribers(Vocabulary(articles, random.Random(1)), max(args.sizes)))
        profile = cProfile.Profile()
        profile.enable()
        run(matcher, articles, args.seconds)
        profile.disable()
        print(f"\ncProfile, {max(args.sizes):,} rules from the replica's vocabulary:")
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(14)


if __name__ == "__main__":
    main()
