"""alerts.matcher: one Aho–Corasick scan per article decides every subscriber's rules exactly."""

from __future__ import annotations

import dataclasses
import random
import unicodedata
from collections.abc import Iterator

import pytest
from mailsink import FIXTURES, fill_store
from support import EXPECTED, expected

from alerts.matcher import Matcher, RuleMatch, gram_frequencies
from alerts.subscriptions import Subscriber, load_subscribers
from store.base import StoredArticle, article_id
from store.query import parse
from store.textnorm import normalize
from tidewatch.config import Config

SOURCES = {"www.xsnet.cn": "xsnet", "xsrb.xsnet.cn": "xsrb", "tidenews.com.cn": "tidenews"}
XS_SEED = ("www.xsnet.cn", "3025263")  # 萧山 … 数字经济 (body only)
CHAO_SEED = ("tidenews.com.cn", "3041187")  # 钱塘 in the title, 新型工业化 in the body
RIVER_ONLY = ("tidenews.com.cn", "3041190")  # 钱塘 only as part of 钱塘江
NEITHER = ("www.xsnet.cn", "3025281")  # 萧山 project meeting: no promised keyword
XIAOSHAN_DIGITAL = ("tidenews.com.cn", "3420434")  # 数字经济 in the title, GDP in the body
INDUSTRIAL_ONLY = ("www.xsnet.cn", "3132056")  # 新型工业化 and 萧山, no 钱塘


def stored(host: str, stem: str, **changes: object) -> StoredArticle:
    """The replica article as the store returns it, from its expected-value file."""
    data = expected(host, stem)
    article = StoredArticle(
        id=article_id(data["url"]),
        url=data["url"],
        source=SOURCES[host],
        channel=data["channel"],
        title=data["title"],
        published_at=data["published_at"],
        origin=data["origin"],
        authors=data["authors"],
        contributors=data["contributors"],
        editor=data["editor"],
        body="\n".join(data["body"]),
        images=data["images"],
        content_hash="",
        first_seen=data["published_at"],
        last_seen=data["published_at"],
        version=1,
        extraction={},
    )
    return dataclasses.replace(article, **changes)


def every_expected_article() -> list[StoredArticle]:
    return [stored(p.parent.name, p.stem) for p in sorted(EXPECTED.glob("*/*.json"))]


def subscriber(*rules: str, email: str = "a@example.com", **fields: object) -> Subscriber:
    return Subscriber(email=email, name=email.split("@")[0], rules=list(rules), **fields)


def matched(article: StoredArticle, *rules: str) -> dict[str, RuleMatch]:
    """The rules of one subscriber that ``article`` matches, by rule."""
    return {m.rule: m for m in Matcher([subscriber(*rules)]).match(article)}


Outcome = tuple[str, str, tuple[str, ...], bool]  # subscriber, rule, terms, in_title


def outcome(match: RuleMatch) -> Outcome:
    return match.subscriber, match.rule, match.terms, match.in_title


def expected_matches(subscribers: list[Subscriber], article: StoredArticle) -> list[Outcome]:
    """What the search language itself says, rule by rule (the oracle for the Matcher)."""
    title, body = normalize(article.title), normalize(article.body)
    out = []
    for s in subscribers:
        for rule in s.rules:
            query = parse(rule)
            if s.wants(article.source) and query.matches_text(title, body):
                found = [t for t in query.terms if t.spans(title) or t.spans(body)]
                in_title = any(t.spans(title) for t in found)
                out.append((s.email, rule, tuple(t.raw for t in found), in_title))
    return out


# -- the promised keywords on the seed articles ------------------------------------------------


def test_seed_bodies_contain_the_promised_keywords() -> None:
    xs, chao = expected(*XS_SEED), expected(*CHAO_SEED)
    assert "数字经济" in "\n".join(xs["body"]) and "数字经济" not in xs["title"]
    assert "钱塘" in chao["title"] and "新型工业化" in "\n".join(chao["body"])


def test_newsroom_keywords_match_the_two_seed_articles() -> None:
    matcher = Matcher(load_subscribers(FIXTURES / "newsroom.toml"))
    xs = matcher.match(stored(*XS_SEED))
    chao = matcher.match(stored(*CHAO_SEED))
    assert [m.rule for m in xs] == ["数字经济"]
    assert [m.rule for m in chao] == ["钱塘", "新型工业化"]
    assert {m.subscriber for m in xs + chao} == {"editor@newsroom.example.com"}


def test_article_with_none_of_the_keywords_matches_nothing() -> None:
    assert matched(stored(*NEITHER), "钱塘", "数字经济", "新型工业化") == {}


# -- exact substrings of normalised text -------------------------------------------------------


def test_term_does_not_match_its_characters_apart() -> None:
    xs = stored(*XS_SEED)
    apart = dataclasses.replace(xs, body=xs.body.replace("数字经济", "数字化带动经济"))
    assert "数字" in apart.body and "经济" in apart.body
    assert matched(apart, "数字经济") == {}
    assert "数字 经济" in matched(apart, "数字 经济")  # both words, anywhere


def test_term_split_across_paragraphs_does_not_match() -> None:
    xs = stored(*XS_SEED)
    split = dataclasses.replace(xs, body=xs.body.replace("数字经济", "数字\n经济"))
    assert matched(split, "数字经济") == {}


def test_term_matches_inside_longer_words() -> None:
    qiantang_district = stored("tidenews.com.cn", "69db7c9238547700016fac51")
    assert "钱塘区" in qiantang_district.title
    assert matched(qiantang_district, "钱塘")["钱塘"].in_title


@pytest.mark.parametrize(
    ("rule", "title"),
    [
        ("ＡＩ", "杭州发布首批ai应用场景清单"),
        ("ai", "杭州发布首批ＡＩ应用场景清单"),
        ("AI", "杭州发布首批Ai应用场景清单"),
        ("ａｉ 场景", "杭州发布首批AI应用场景清单"),
        ("“AI 应用”", "杭州发布首批ＡＩ\u3000应用场景清单"),
    ],
)
def test_width_and_case_do_not_matter(rule: str, title: str) -> None:
    article = stored("tidenews.com.cn", "3095412", title=title)
    assert rule in matched(article, rule)


@pytest.mark.parametrize("rule", ["gdp", "GDP", "ＧＤＰ", "Gdp"])
def test_latin_in_a_real_article_matches_in_any_width_and_case(rule: str) -> None:
    assert "GDP" in stored(*XIAOSHAN_DIGITAL).body
    assert rule in matched(stored(*XIAOSHAN_DIGITAL), rule)


# -- context exclusion -------------------------------------------------------------------------


def test_exclusion_drops_an_article_that_only_mentions_the_longer_word() -> None:
    river = stored(*RIVER_ONLY)
    assert "钱塘" in matched(river, "钱塘")  # 钱塘江 contains 钱塘
    assert matched(river, "钱塘 -钱塘江") == {}


def test_exclusion_keeps_an_article_that_also_mentions_the_term_elsewhere() -> None:
    chao = stored(*CHAO_SEED)
    assert "钱塘江" in chao.body or "钱塘新区" in chao.body
    match = matched(chao, "钱塘 -钱塘江")["钱塘 -钱塘江"]
    assert match.terms == ("钱塘",) and match.in_title


def test_exclusion_in_the_title_does_not_count_as_a_title_hit() -> None:
    river = stored(*RIVER_ONLY)
    both = dataclasses.replace(river, body=river.body + "\n钱塘区也开展了巡查。")
    match = matched(both, "钱塘 -钱塘江")["钱塘 -钱塘江"]
    assert "钱塘江" in both.title and match.in_title is False


@pytest.mark.parametrize(
    ("body", "matches"),
    [
        ("𠀀𠀀钱塘江边", False),  # characters outside the BMP before the context
        ("𠀀𠀀钱塘区", True),
        ("🌊钱塘江🌊钱塘区", True),
        ("钱塘江钱塘江", False),
    ],
)
def test_exclusion_with_astral_characters(body: str, matches: bool) -> None:
    article = stored(*NEITHER, title="巡查", body=body)
    assert bool(matched(article, "钱塘 -钱塘江")) is matches


# -- boolean rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "article", "matches"),
    [
        ("钱塘 AND 新型工业化", CHAO_SEED, True),
        ("钱塘 AND 新型工业化", INDUSTRIAL_ONLY, False),
        ("钱塘 新型工业化", CHAO_SEED, True),
        ("钱塘 OR 数字经济", XS_SEED, True),
        ("钱塘 OR 数字经济", CHAO_SEED, True),
        ("钱塘 OR 数字经济", NEITHER, False),
        ("新型工业化 NOT 钱塘", INDUSTRIAL_ONLY, True),
        ("新型工业化 NOT 钱塘", CHAO_SEED, False),
        ("新型工业化 -钱塘", INDUSTRIAL_ONLY, True),
        ("新型工业化 -钱塘", CHAO_SEED, False),
        ("(钱塘 OR 萧山) 数字经济", XS_SEED, True),
        ("(钱塘 OR 萧山) 数字经济", CHAO_SEED, False),
        ("(钱塘 OR 萧山) 数字经济", ("tidenews.com.cn", "3095412"), True),
        ("NOT 钱塘", XS_SEED, True),
        ("NOT 钱塘", CHAO_SEED, False),
        ("-广告", NEITHER, True),
        ("NOT (数字经济 OR 新型工业化)", NEITHER, True),
        ("NOT (数字经济 OR 新型工业化)", XS_SEED, False),
        ("-钱塘 -数字经济", NEITHER, True),
        ("-钱塘 -数字经济", INDUSTRIAL_ONLY, True),
        ("-钱塘 -数字经济", XS_SEED, False),
    ],
)
def test_boolean_rules(rule: str, article: tuple[str, str], matches: bool) -> None:
    assert (rule in matched(stored(*article), rule)) is matches


def test_pure_not_rule_matches_with_no_terms_and_no_title_hit() -> None:
    match = matched(stored(*NEITHER), "NOT 广告")["NOT 广告"]
    assert match.terms == () and match.in_title is False


# -- what a match reports ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "article", "terms"),
    [
        ("钱塘 OR 新型工业化 OR 数字经济", CHAO_SEED, ("钱塘", "新型工业化")),
        ("GDP OR 数字经济", XIAOSHAN_DIGITAL, ("GDP", "数字经济")),
        ("gdp", XIAOSHAN_DIGITAL, ("gdp",)),
        ("Gdp 萧山 -广告 -台风", XIAOSHAN_DIGITAL, ("Gdp", "萧山")),
        ('"核心产业" OR 钱塘', XIAOSHAN_DIGITAL, ("核心产业",)),
        ("钱塘 -钱塘江", CHAO_SEED, ("钱塘",)),
    ],
)
def test_terms_are_the_positive_terms_found_as_written(
    rule: str, article: tuple[str, str], terms: tuple[str, ...]
) -> None:
    assert matched(stored(*article), rule)[rule].terms == terms


@pytest.mark.parametrize(
    ("rule", "article", "in_title"),
    [
        ("钱塘", CHAO_SEED, True),
        ("新型工业化", CHAO_SEED, False),
        ("钱塘 新型工业化", CHAO_SEED, True),
        ("新型工业化 OR 钱塘", CHAO_SEED, True),
        ("数字经济", XS_SEED, False),
        ("数字经济", XIAOSHAN_DIGITAL, True),
        ("gdp", XIAOSHAN_DIGITAL, False),
    ],
)
def test_in_title_says_whether_a_positive_term_is_in_the_title(
    rule: str, article: tuple[str, str], in_title: bool
) -> None:
    assert matched(stored(*article), rule)[rule].in_title is in_title


def test_matches_come_in_rule_order() -> None:
    got = Matcher([subscriber("新型工业化", "数字经济", "钱塘")]).match(stored(*CHAO_SEED))
    assert [m.rule for m in got] == ["新型工业化", "钱塘"]


# -- many subscribers --------------------------------------------------------------------------


def test_sources_filter_limits_a_subscriber_to_its_sources() -> None:
    everywhere = subscriber("数字经济", email="all@example.com")
    papers = subscriber("数字经济", email="papers@example.com", sources=["tidenews", "xsrb"])
    matcher = Matcher([everywhere, papers])
    assert [m.subscriber for m in matcher.match(stored(*XS_SEED))] == ["all@example.com"]
    on_tidenews = matcher.match(stored(*XIAOSHAN_DIGITAL))
    assert [m.subscriber for m in on_tidenews] == ["all@example.com", "papers@example.com"]


def test_subscribers_sharing_terms_each_get_their_match() -> None:
    subscribers = [
        subscriber("钱塘", f"独有词{n}", "新型工业化 -钱塘", email=f"s{n}@example.com")
        for n in range(200)
    ]
    matches = Matcher(subscribers).match(stored(*CHAO_SEED))
    assert [(m.subscriber, m.rule) for m in matches] == [
        (f"s{n}@example.com", "钱塘") for n in range(200)
    ]


def test_the_same_rule_with_and_without_exclusion_for_two_subscribers() -> None:
    plain = subscriber("钱塘", email="plain@example.com")
    strict = subscriber("钱塘 -钱塘江", email="strict@example.com")
    matches = Matcher([plain, strict]).match(stored(*RIVER_ONLY))
    assert [m.subscriber for m in matches] == ["plain@example.com"]


def test_no_subscribers_no_matches() -> None:
    assert Matcher([]).match(stored(*CHAO_SEED)) == []


# -- parity with the search language -----------------------------------------------------------

VOCABULARY = [
    "钱塘",
    "萧山",
    "数字经济",
    "新型工业化",
    "先进制造业",
    "杭州",
    "数字",
    "经济",
    "招聘会",
    "人工智能",
    "gdp",
    "ＡＩ",
    "钱塘江",
    "钱塘区",
    "核心产业",
    "项目",
    "广告",
    "台风",
    "机场",
    "志愿者",
    "x",
    "2019",
    "“发展 大会”",
    "增加值",
    "制造",
]
CONTEXTS = [
    ("钱塘", "钱塘江"),
    ("钱塘", "钱塘区"),
    ("钱塘", "钱塘新区"),
    ("数字", "数字经济"),
    ("萧山", "萧山区"),
    ("萧山", "萧山日报"),
    ("杭州", "杭州市"),
    ("经济", "数字经济"),
    ("制造", "先进制造业"),
]


def random_rule(rng: random.Random) -> str:
    """A rule in which every OR branch needs a positive term, or a purely negative rule."""
    if rng.random() < 0.1:
        a, b = rng.sample(VOCABULARY, 2)
        return rng.choice([f"NOT {a}", f"-{a} -{b}", f"NOT ({a} OR {b})"])
    groups = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        items = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            kind = rng.random()
            if kind < 0.5:
                items.append(rng.choice(VOCABULARY))
            elif kind < 0.7:
                term, context = rng.choice(CONTEXTS)
                items.append(f"{term} -{context}")
            else:
                a, b = rng.sample(VOCABULARY, 2)
                items.append(f"({a} OR {b})")
        if rng.random() < 0.3:
            items.append(rng.choice(["NOT ", "-"]) + rng.choice(VOCABULARY))
        groups.append(" ".join(items))
    return " OR ".join(groups)


@pytest.fixture(scope="module")
def replica_articles(tmp_path_factory: pytest.TempPathFactory) -> list[StoredArticle]:
    """Every replica article: crawled into a real store, plus the expected-value files."""
    store = fill_store(Config(data_dir=tmp_path_factory.mktemp("parity")))
    crawled = list(store.articles())
    store.close()
    by_url = {a.url: a for a in every_expected_article()} | {a.url: a for a in crawled}
    return list(by_url.values())


def subscribers_of(rules: list[str]) -> Iterator[Subscriber]:
    choices: list[list[str] | None] = [None, None, ["tidenews"], ["xsnet", "xsrb"]]
    for n in range(0, len(rules), 10):
        yield subscriber(*rules[n : n + 10], email=f"s{n}@example.com", sources=choices[n % 4])


def test_matcher_agrees_with_the_search_language(replica_articles: list[StoredArticle]) -> None:
    rng = random.Random(20250309)
    rules = list(dict.fromkeys(random_rule(rng) for _ in range(600)))
    subscribers = list(subscribers_of(rules))
    matcher = Matcher(subscribers)
    total = 0
    for article in replica_articles:
        want = expected_matches(subscribers, article)
        assert [outcome(m) for m in matcher.match(article)] == want, article.url
        total += len(want)
    pairs = len(rules) * len(replica_articles)
    assert len(replica_articles) >= 16 and 0.05 * pairs < total < 0.95 * pairs


@pytest.mark.parametrize(
    "rule",
    [
        "钱塘 OR NOT 广告",
        "钱塘 OR -广告",
        "新型工业化 OR NOT (台风 OR 广告)",
        "(NOT 广告) OR 数字经济",
    ],
)
def test_matcher_agrees_with_the_search_language_for_or_not_rules(
    rule: str, replica_articles: list[StoredArticle]
) -> None:
    subscribers = [subscriber(rule)]
    matcher = Matcher(subscribers)
    for article in replica_articles:
        got = [outcome(m) for m in matcher.match(article)]
        assert got == expected_matches(subscribers, article), article.url


def test_stored_helper_matches_the_crawled_store(replica_articles: list[StoredArticle]) -> None:
    crawled = next(a for a in replica_articles if a.url == stored(*CHAO_SEED).url)
    assert (crawled.title, crawled.body, crawled.source) == (
        stored(*CHAO_SEED).title,
        stored(*CHAO_SEED).body,
        stored(*CHAO_SEED).source,
    )


# -- anchors: a rule is evaluated only when its rarest required term occurs -------------------


def test_and_rules_with_a_common_partner_are_evaluated_only_on_their_rare_term() -> None:
    common = "发展"
    rare = ["钱塘新区", "新型工业化", "量子引力", "星际航行", "深海采矿"]
    rules = [f"{common} {r}" for r in rare] + [f"{r} AND {common}" for r in rare[:2]]
    people = [subscriber(*rules[:5]), subscriber(*rules[5:], email="b@example.com")]
    matcher = Matcher(people)
    assert all(a is not None and common not in a for a in matcher.anchors())
    chao = stored(*CHAO_SEED)  # 钱塘新区 and 新型工业化, and 发展
    assert common in chao.body
    got = {(m.subscriber, m.rule) for m in matcher.match(chao)}
    want = {(e, r) for e, r, *_ in expected_matches(people, chao)}
    assert got == want and got  # exact: the matches of the naive evaluation
    before = matcher.evaluated
    bland = dataclasses.replace(chao, title="发展大会", body="推动高质量发展。" * 50)
    assert matcher.match(bland) == []
    assert matcher.evaluated == before  # 发展 alone wakes no rule


def test_the_anchor_is_the_rarest_term_by_frequency_else_the_longest() -> None:
    rule = subscriber("杭州 数字经济 -广告", "钱塘 OR 萧山", "NOT 广告", "台风 OR NOT 广告")
    by_length = Matcher([rule]).anchors()
    assert by_length == [frozenset({"数字经济"}), frozenset({"钱塘", "萧山"}), None, None]
    frequencies = gram_frequencies(["杭州数字经济", "数字经济发展", "数字经济", "杭州很大"])
    assert frequencies["数字"] == 0.75 and frequencies["杭州"] == 0.5
    assert Matcher([rule], frequencies=frequencies).anchors()[0] == frozenset({"杭州"})


ALPHABET = "钱塘江区数字经济ab"


def random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def random_small_rule(rng: random.Random) -> str:
    """Rules over a tiny alphabet, so terms, contexts and partners overlap all the time."""

    def term() -> str:
        return random_text(rng, rng.choice([1, 2, 2, 3, 4]))

    def item() -> str:
        roll = rng.random()
        if roll < 0.45:
            return term()
        if roll < 0.65:
            t = term()
            return f"{t} -{random_text(rng, 1)}{t}{random_text(rng, rng.choice([0, 1]))}"
        if roll < 0.85:
            return f"({term()} OR {term()})"
        return f"NOT {term()}"

    return " OR ".join(
        " ".join(item() for _ in range(rng.choice([1, 2, 3]))) for _ in range(rng.choice([1, 1, 2]))
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_randomized_equivalence_with_the_naive_evaluation(seed: int) -> None:
    """Random rules and random texts over a small alphabet, with and without a (random)
    frequency table: the Matcher finds exactly what evaluating every rule finds."""
    rng = random.Random(seed)
    rules = list(dict.fromkeys(random_small_rule(rng) for _ in range(200)))
    people = list(subscribers_of(rules))
    base = stored(*CHAO_SEED)
    articles = [
        dataclasses.replace(
            base,
            source=rng.choice(["xsnet", "xsrb", "tidenews"]),
            title=random_text(rng, rng.randint(0, 12)),
            body=random_text(rng, rng.randint(0, 120)),
        )
        for _ in range(40)
    ]
    table = {g: rng.random() for g in gram_frequencies(a.body for a in articles)}
    found = 0
    for matcher in (Matcher(people), Matcher(people, frequencies=table)):
        for a in articles:
            want = expected_matches(people, a)
            assert [outcome(m) for m in matcher.match(a)] == want, (a.title, a.body)
            found += len(want)
        assert matcher.evaluated < len(rules) * len(articles)  # anchors did skip rules
    assert found > 0


TRICKY = "钱塘…①㈠ＡＩ Straße\u3000\u3000 \n\tﬁx¨ｶﾞ㍿ a\u00a0\u2003b é 𠀀数字"


def character_map(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The oracle: fold character by character, a whitespace run becoming one space, and
    remember where each output character comes from."""
    out: list[str] = []
    origin: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        for c in unicodedata.normalize("NFKC", char).casefold():
            if c.isspace():
                if out and out[-1] == " ":
                    origin[-1] = (origin[-1][0], i + 1)
                    continue
                c = " "
            out.append(c)
            origin.append((i, i + 1))
    return "".join(out), origin


@pytest.mark.parametrize("seed", range(4))
def test_spans_map_back_to_the_characters_they_come_from(seed: int) -> None:
    """The matcher maps a match's spans back without a per-character map: on random
    texts of expanding, folding and space characters it answers as the oracle does."""
    from store.textnorm import NormalForm

    rng = random.Random(seed)
    for _ in range(200):
        text = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 40)))
        normal = normalize(text)
        mapped = NormalForm(text)
        assert mapped.text == normal
        oracle, origin = character_map(text)
        if not normal:
            continue
        mapped.span(0, 1)  # builds the map: the pieces, or the full map if characters join
        if mapped._pieces is None:
            continue  # marks: the full map of store.textnorm
        assert oracle == normal
        for _ in range(10):
            if not normal:
                break
            s = rng.randrange(len(normal))
            e = rng.randint(s + 1, len(normal))
            assert mapped.span(s, e) == (origin[s][0], origin[e - 1][1]), (text, s, e)
