"""alerts.snippet: whole sentences around the first hit, no caption or credit lines, the lead
for a title-only match — on the replica's real bodies and on invented ones."""

from __future__ import annotations

import json

import pytest
from support import EXPECTED

from alerts.snippet import LENGTH, SENTENCE_END, is_caption, snippet

CAPTIONS = [
    "受访者供图",
    "通讯员 陆俊 供图",
    "记者 董怡 摄",
    "会议现场。 记者 丁晓岚 摄",
    "发布会现场。主办方供图",
    "萧山经济技术开发区一家企业的智能化生产车间内，机械臂正在进行焊接作业。 记者 章然 摄",
    "（图片来源：视觉中国）",
    "图为钱塘区新落成的科创园区。",
    "资料图片",
    "",
]
PROSE = [
    "3月7日,钱塘(新)区科技创新引领新型工业化高质量发展大会召开。",
    "游客在钱塘江边驻足拍摄",  # ends in 拍摄, not a credit
    "记者从区经信局获悉，今年一季度全区数字经济核心产业增加值同比增长11.8%。",
]


@pytest.mark.parametrize("line", CAPTIONS)
def test_caption_and_credit_lines_are_recognised(line: str) -> None:
    assert is_caption(line)


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_not_a_caption(line: str) -> None:
    assert not is_caption(line)


def spans_of(body: str, term: str) -> list[tuple[int, int]]:
    out, at = [], body.find(term)
    while at >= 0:
        out.append((at, at + len(term)))
        at = body.find(term, at + 1)
    return out


def test_a_hit_in_a_credit_line_is_passed_over_for_one_in_the_text() -> None:
    body = "钱塘区供图\n新区建设稳步推进。钱塘区今年新增企业三百家。\n记者 钱塘 摄"
    text, spans, paragraph = snippet(body, spans_of(body, "钱塘"))
    assert paragraph == 1 and text == "钱塘区今年新增企业三百家。"  # from the sentence of the hit
    assert [text[s:e] for s, e in spans] == ["钱塘"]


def test_the_lead_for_a_title_only_match_skips_captions() -> None:
    body = "受访者供图\n\n今年一季度，萧山区工业投资同比增长12%。增速居全市前列。\n第二段。"
    text, spans, paragraph = snippet(body, [])
    assert (text, spans, paragraph) == (
        "今年一季度，萧山区工业投资同比增长12%。增速居全市前列。",
        [],
        2,
    )


def test_a_very_long_sentence_is_cut_at_clauses_around_the_hit() -> None:
    body = (
        "，".join(f"第{n}项工作稳步推进" for n in range(40))
        + "，钱塘区表现突出，"
        + "，".join(f"第{n}项任务全面完成" for n in range(40))
        + "。"
    )
    text, spans, _ = snippet(body, spans_of(body, "钱塘"))
    assert text.startswith("…") and text.endswith("…") and len(text) <= LENGTH * 2
    assert [text[s:e] for s, e in spans] == ["钱塘"]


@pytest.mark.parametrize("path", sorted(EXPECTED.glob("*/*.json")), ids=lambda p: p.stem)
def test_replica_snippets_end_at_a_sentence_and_are_never_captions(path) -> None:
    body = "\n".join(json.loads(path.read_text(encoding="utf-8"))["body"])
    for term in ("钱塘", "数字经济", "新型工业化", "萧山", ""):
        spans = spans_of(body, term) if term else []
        if term and not spans:
            continue
        text, highlights, paragraph = snippet(body, spans)
        if paragraph is None:
            continue
        assert not is_caption(text), (path.stem, term, text)
        assert "供图" not in text and not text.endswith("摄"), text
        whole = body.split("\n")[paragraph]
        ends_whole = text.endswith("…") or SENTENCE_END.search(text[-2:]) or whole.endswith(text)
        assert ends_whole, (path.stem, term, text)
        for s, e in highlights:
            assert text[s:e] == term
