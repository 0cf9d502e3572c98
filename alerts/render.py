"""Digests as email text: Jinja2 templates, HTML autoescaped, plus a plain-text twin.

Highlights reach the templates as (text, is_match) segments, never as markup, so nothing an
article says can become HTML in a subscriber's mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alerts.digest import Digest, DigestItem

LABELS = {
    "zh": {
        "greeting": "{name}，您好：",
        "intro": "以下是与您的关键词匹配的新文章。",
        "updated": "已更新",
        "also": "同一报道亦见",
        "source": "来源",
        "unsubscribe": "退订这些提醒",
        "footer": "您收到这封邮件，是因为您订阅了 Tidewatch 关键词提醒。",
        "articles": "{n} 篇",
    },
    "en": {
        "greeting": "Hello {name},",
        "intro": "New articles matching your keywords.",
        "updated": "updated",
        "also": "Same story on",
        "source": "Source",
        "unsubscribe": "Unsubscribe from these alerts",
        "footer": "You receive this email because you subscribed to Tidewatch keyword alerts.",
        "articles": "{n} article(s)",
    },
}

_env = Environment(
    loader=PackageLoader("alerts", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_match) pairs along the highlight spans."""
    out, last = [], 0
    for start, end in spans:
        if start > last:
            out.append((text[last:start], False))
        out.append((text[start:end], True))
        last = end
    if last < len(text):
        out.append((text[last:], False))
    return out


def marked(pieces: list[tuple[str, bool]]) -> str:
    """Plain-text highlighting: 【matched】."""
    return "".join(f"【{text}】" if hit else text for text, hit in pieces)


def render(digest: Digest, unsubscribe_url: str, source_titles: dict[str, str]) -> RenderedDigest:
    language = digest.subscriber.language
    context = {
        "subject": digest.subject(),
        "headline": digest.subject().removeprefix("【Tidewatch】").removeprefix("[Tidewatch] "),
        "name": digest.subscriber.name,
        "labels": LABELS[language],
        "groups": [
            (rule, [_item(i, source_titles) for i in items]) for rule, items in digest.groups
        ],
        "unsubscribe_url": unsubscribe_url,
        "language": language,
    }
    return RenderedDigest(
        subject=context["subject"],
        text=_env.get_template("digest.txt").render(context),
        html=_env.get_template("digest.html").render(context),
    )


def _item(item: DigestItem, source_titles: dict[str, str]) -> dict[str, Any]:
    a = item.article
    title = segments(a.title, item.hit.title_highlights)
    snippet = segments(item.hit.snippet, item.hit.highlights)
    return {
        "url": a.url,
        "title": title,
        "snippet": snippet,
        "title_text": marked(title),
        "snippet_text": marked(snippet),
        "source": source_titles.get(a.source, a.source),
        "origin": a.origin,
        "published": a.published_at[:16].replace("T", " "),
        "updated": item.updated,
        "also": [(source_titles.get(o.source, o.source), o.url) for o in item.also],
    }
