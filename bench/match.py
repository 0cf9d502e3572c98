"""Benchmark: alert matching throughput (articles/s) for 10, 1,000 and 10,000 rules.

Realistic sizes, as issue 11 measured them: 2,300-character articles made of the replica's
own sentences, rules of 2–6 character terms of which about 3 fire per article at 10,000
rules. Most rules are keywords that rarely occur (as most alerts do not fire on most
articles); a quarter are ANDed with a common partner (发展, 经济 …), the case that used to
be evaluated on every article; the rest are OR, ``X -XY`` exclusions and ``X NOT common``.
The matcher gets character-gram frequencies of the articles, as the alerts service would
get them from the store.

Prints, per size: throughput, its slowdown against 10 rules (goal: ≤ 2× at 10,000), the
candidate rules evaluated per article, the scan's hits per article and the scan's
share of the time, matches per article, build time and peak RSS; then the largest size
without frequencies. The sizes take turns, one pass over the articles each, for
``--seconds`` apiece, and each one's fastest pass is its figure: a neighbour's load spike
slows every size alike instead of one row. ``--profile`` adds a cProfile of the largest
size. Figures are still noisy on a shared machine: compare sizes within one run.

``--mix`` checks that the figures hold for other rule sets: every rule ANDing common words
(partners), ORs of three to six keywords (or), exclusions and NOTs only (exclusions),
issue 11's mix with half of the terms one character long (short), or issue 11's mix over a
pool of 300 keywords, so that many rules and subscribers share each term (shared).

    python bench/match.py [--seconds 3] [--sizes 10 1000 10000] [--articles 200] [--profile]
        [--mix news|short|shared|partners|or|exclusions]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import logging
import pstats
import random
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "alerts")]

from mailsink import fill_store  # noqa: E402

from alerts.matcher import Matcher, gram_frequencies  # noqa: E402
from alerts.subscriptions import Subscriber  # noqa: E402
from store.base import StoredArticle  # noqa: E402
from store.textnorm import normalize  # noqa: E402
from tidewatch.config import Config  # noqa: E402

RULES_PER_SUBSCRIBER = 10
SOURCES = [None, None, None, ["tidenews"], ["xsnet", "xsrb"]]  # most subscribers want all
ARTICLE_CHARS = 2_300
FIRING = 3.0  # rules firing per article at 10,000 rules
CALIBRATION_SIZE = 10_000
SHARED_POOL = 300  # keywords of the shared mix


def replica_articles() -> list[StoredArticle]:
    with tempfile.TemporaryDirectory() as tmp:
        store = fill_store(Config(data_dir=Path(tmp)))
        articles = list(store.articles())
        store.close()
    return articles


def long_articles(
    replica: list[StoredArticle], count: int, rng: random.Random
) -> list[StoredArticle]:
    """``count`` articles of about 2,300 characters, written by a character trigram chain
    trained on the replica: its characters and bigrams at their frequencies, while longer
    strings vary from article to article, as news does."""
    text = "\n".join(a.title + "\n" + a.body for a in replica)
    follows: dict[str, list[str]] = {}
    for i in range(len(text) - 2):
        follows.setdefault(text[i : i + 2], []).append(text[i + 2])
    starts = [k for k in follows if re.fullmatch(r"[\u4e00-\u9fff]{2}", k)]
    made = []
    for n in range(count):
        state = rng.choice(starts)
        out = [state]
        length = 2
        while length < ARTICLE_CHARS:
            nxt = rng.choice(follows.get(state) or [rng.choice(starts)])
            out.append(nxt)
            length += len(nxt)
            state = (state + nxt)[-2:]
            if state not in follows:
                state = rng.choice(starts)
        body = "".join(out)
        base = rng.choice(replica)
        made.append(dataclasses.replace(base, id=f"{n:040x}", title=body[:24], body=body))
    return made


class Vocabulary:
    """Terms of 2–6 characters: common ones (partners), rare real ones, absent ones."""

    def __init__(self, articles: list[StoredArticle], rng: random.Random) -> None:
        documents: Counter[str] = Counter()
        for article in articles:
            grams = set()
            for run in re.findall(r"[\u4e00-\u9fff]{2,}", article.title + "\n" + article.body):
                for n in range(2, 7):
                    grams.update(run[i : i + n] for i in range(len(run) - n + 1))
            documents.update(grams)
        total = len(articles)
        self.rng = rng
        ranked = sorted(documents.items(), key=lambda wc: (-wc[1], wc[0]))  # ties: every run alike
        self.common = [w for w, c in ranked[:400] if len(w) == 2 and c > 0.3 * total][:40]
        self.rare = sorted(w for w, c in documents.items() if c <= 0.05 * total)
        self.df = {w: documents[w] / total for w in self.rare}
        self.text = "\n".join(normalize(a.title + "\n" + a.body) for a in articles)
        self.contexts: dict[str, list[str]] = {}
        for word in self.rare:
            if len(word) >= 3:
                self.contexts.setdefault(word[:2], []).append(word)
        self.real = 0.1  # share of terms that occur at all: calibrated
        self.mix = "news"
        self.pool: tuple[float, list[str]] = (-1.0, [])  # shared: (for which real, the words)
        chars = Counter(c for a in articles for c in set(normalize(a.title + "\n" + a.body)))
        present = set(self.text)
        ideographs = sorted((n, c) for c, n in chars.items() if "\u4e00" <= c <= "\u9fff")
        self.rare_chars = [c for _, c in ideographs[: len(ideographs) // 5]]  # the rarest fifth
        self.absent_chars = [c for c in map(chr, range(0x4E00, 0x9FA6)) if c not in present]

    def term(self) -> str:
        if self.mix == "shared":  # a few hundred keywords that everyone watches
            if self.pool[0] != self.real:  # drawn again for each calibration step
                self.mix = "news"
                self.pool = (self.real, [self.term() for _ in range(SHARED_POOL)])
                self.mix = "shared"
            return self.rng.choice(self.pool[1])
        if self.mix == "short" and self.rng.random() < 0.5:  # one character
            real = self.rng.random() < self.real
            return self.rng.choice(self.rare_chars if real else self.absent_chars)
        if self.rng.random() < self.real:
            return self.rng.choice(self.rare)
        while True:  # two real words joined: a plausible keyword that no article contains
            a, b = self.rng.sample(self.rare, 2)
            word = (a[: self.rng.randint(1, 3)] + b[: self.rng.randint(1, 3)])[:6]
            if len(word) >= 2 and word not in self.text:
                return word

    def rule(self) -> str:
        return MIXES[self.mix](self)

    def news(self) -> str:
        roll = self.rng.random()
        if roll < 0.40:
            return self.term()
        if roll < 0.65:
            return f"{self.rng.choice(self.common)} {self.term()}"  # a common partner
        if roll < 0.80:
            return f"{self.term()} OR {self.term()}"
        if roll < 0.90:
            word = self.term()
            return f"{word} -{word}{self.rng.choice(self.common)[0]}"
        return f"{self.term()} NOT {self.rng.choice(self.common)}"


def partners(v: Vocabulary) -> str:
    """Every rule ANDs one or two common words with a keyword."""
    return " ".join([*v.rng.sample(v.common, v.rng.randint(1, 2)), v.term()])


def branches(v: Vocabulary) -> str:
    """Every rule an OR of three to six keywords."""
    return " OR ".join(v.term() for _ in range(v.rng.randint(3, 6)))


def exclusions(v: Vocabulary) -> str:
    """Every rule excludes a context of its keyword, or negates a common word."""
    word = v.term()
    if v.rng.random() < 0.5:
        return f"{word} -{word}{v.rng.choice(v.common)[0]} -{v.rng.choice(v.common)[1]}{word}"
    return f"{word} NOT {v.rng.choice(v.common)} NOT {v.rng.choice(v.common)}"


MIXES: dict[str, Callable[[Vocabulary], str]] = {
    "news": Vocabulary.news,  # issue 11's mix, the figures' one
    "short": Vocabulary.news,  # the same, half of the terms one character long (see term)
    "shared": Vocabulary.news,  # the same over SHARED_POOL keywords (see term)
    "partners": partners,
    "or": branches,
    "exclusions": exclusions,
}


def subscribers(vocabulary: Vocabulary, rules: int) -> list[Subscriber]:
    texts = list(dict.fromkeys(vocabulary.rule() for _ in range(rules)))
    while len(texts) < rules:
        texts = list(dict.fromkeys([*texts, vocabulary.rule()]))
    return [
        Subscriber(
            email=f"s{n}@example.com",
            name=f"subscriber {n}",
            rules=texts[start : start + RULES_PER_SUBSCRIBER],
            sources=SOURCES[n % len(SOURCES)],
        )
        for n, start in enumerate(range(0, rules, RULES_PER_SUBSCRIBER))
    ]


@dataclasses.dataclass
class Run:
    articles: int = 0
    matches: int = 0
    elapsed: float = 0.0
    best: float = float("inf")  # the fastest pass over all the articles, in seconds


def run(matchers: list[Matcher], articles: list[StoredArticle], seconds: float) -> list[Run]:
    """Pass over the articles with each matcher in turn until each has had ``seconds``, so a
    neighbour's load spike slows every size alike; the fastest pass of each is its figure."""
    runs = [Run() for _ in matchers]
    while min(r.elapsed for r in runs) < seconds:
        for matcher, r in zip(matchers, runs, strict=True):
            started = time.perf_counter()
            r.matches += sum(len(matcher.match(article)) for article in articles)
            took = time.perf_counter() - started
            r.articles += len(articles)
            r.elapsed += took
            r.best = min(r.best, took)
    return runs


def scan_only(matcher: Matcher, articles: list[StoredArticle]) -> tuple[float, float]:
    """(µs per article of normalising and scanning alone, best of 3 passes; automaton hits
    per article)."""
    best, hits = float("inf"), 0
    for _ in range(3):
        started, hits = time.perf_counter(), 0
        for article in articles:  # as Matcher.match: both normalised, one scan
            joined = f"{normalize(article.title)}\n{normalize(article.body)}"
            hits += len(matcher._found(joined))
        best = min(best, time.perf_counter() - started)
    return best / len(articles) * 1e6, hits / len(articles)


def calibrate(vocabulary: Vocabulary, articles: list[StoredArticle], frequencies: dict) -> None:
    """Set the share of real terms so that about FIRING rules fire per article at 10,000."""
    sample = articles[:40]
    for _ in range(3):
        matcher = Matcher(subscribers(vocabulary, CALIBRATION_SIZE), frequencies=frequencies)
        firing = sum(len(matcher.match(a)) for a in sample) / len(sample)
        vocabulary.real = min(1.0, vocabulary.real * FIRING / max(firing, 0.05))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    logging.disable(logging.WARNING)  # the spiders warn about the unset signing salt
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="matching time per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000, 10_000])
    parser.add_argument("--articles", type=int, default=200, help="synthetic articles")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    parser.add_argument(
        "--mix",
        choices=list(MIXES),
        default="news",
        help="the rules: issue 11's mix (news), or all of one kind to check the gain holds",
    )
    args = parser.parse_args()

    rng = random.Random(20250309)
    articles = long_articles(replica_articles(), args.articles, rng)
    frequencies = gram_frequencies(a.title + "\n" + a.body for a in articles)
    vocabulary = Vocabulary(articles, random.Random(11))
    vocabulary.mix = args.mix
    calibrate(vocabulary, articles, frequencies)
    chars = sum(len(a.title) + len(a.body) for a in articles) / len(articles)
    print(
        f"articles: {len(articles)} of {chars:,.0f} characters on average; "
        f"{len(vocabulary.rare):,} rare terms, {len(vocabulary.common)} common partners; "
        f"rules: {args.mix}; "
        f"{vocabulary.real:.1%} of terms occur somewhere"
    )
    print(
        f"{'rules':>7} {'build':>9} {'articles/s':>11} {'slowdown':>9} {'candidates':>11} "
        f"{'hits':>8} {'scan µs':>8} {'scan %':>7} {'matches':>8} {'peak RSS':>9}"
    )
    print(f"{'':>7} {'':>9} {'':>11} {'vs 10':>9} {'/article':>11} {'/article':>8}")
    matchers, builds = [], []
    for size in args.sizes:
        people = subscribers(vocabulary, size)
        started = time.perf_counter()
        matchers.append(Matcher(people, frequencies=frequencies))
        builds.append(time.perf_counter() - started)
    largest = max(args.sizes)
    people = subscribers(vocabulary, largest)
    plain = Matcher(people)  # no frequencies: the rule set's own statistics, then length
    runs = run([*matchers, plain], articles, args.seconds)
    baseline = len(articles) / runs[0].best
    for size, matcher, build, r in zip(args.sizes, matchers, builds, runs, strict=False):
        rate = len(articles) / r.best
        scan_us, hits = scan_only(matcher, articles)
        print(
            f"{size:>7,} {build * 1000:>7.0f}ms {rate:>11,.0f} {baseline / rate:>8.2f}× "
            f"{matcher.evaluated / r.articles:>11,.1f} {hits:>8,.1f} {scan_us:>8,.0f} "
            f"{scan_us / (r.best / len(articles) * 1e6):>6.0%} {r.matches / r.articles:>8,.2f} "
            f"{peak_rss_mib():>6.0f}MiB"
        )
    rate = len(articles) / runs[-1].best
    print(
        f"\n{largest:,} rules without frequencies (anchored on the longest term, then the one "
        f"fewest rules share): {rate:,.0f} articles/s, {baseline / rate:.2f}× 10 rules, "
        f"{plain.evaluated / runs[-1].articles:,.1f} candidates/article"
    )
    if args.profile:
        matcher = Matcher(people, frequencies=frequencies)
        profile = cProfile.Profile()
        profile.enable()
        run([matcher], articles, args.seconds)
        profile.disable()
        print(f"\ncProfile, {largest:,} rules:")
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(14)


if __name__ == "__main__":
    main()
