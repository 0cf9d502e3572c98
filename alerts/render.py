"""Digests as email text: Jinja2 templates, HTML autoescaped, plus a plain-text twin.

Highlights reach the templates as (text, is_match) segments, never as markup, so nothing an
article says can become HTML in a subscriber's mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alerts.digest import Digest, DigestItem
from store.base import StoredArticle

LABELS = {
    "zh": {
        "greeting": "{name}，您好：",
        "intro": "以下是与您的关键词匹配的新文章。",
        "intro_updates": "以下文章有更新，更新后的内容与您的关键词匹配。",
        "intro_mixed": "以下是与您的关键词匹配的新文章和更新。",
        "updated": "已更新",
        "updated_at": "更新于 {when}",
        "changed": "更新的段落",
        "also": "同一报道亦见",
        "source": "来源",
        "colon": "：",
        "matched": "关键词",
        "open": "在 Tidewatch 中打开",
        "unsubscribe": "退订这些提醒",
        "preferences": "管理订阅（暂停、频率、关键词）",
        "footer": "您收到这封邮件，是因为您订阅了 Tidewatch 关键词提醒。",
        "no_time": "{day}（首次发现日期，原文未注明时间）",
        "articles": "{n} 篇",
    },
    "en": {
        "greeting": "Hello {name},",
        "intro": "New articles matching your keywords.",
        "intro_updates": "These articles changed, and now match your keywords.",
        "intro_mixed": "New and updated articles matching your keywords.",
        "updated": "updated",
        "updated_at": "updated {when}",
        "changed": "changed paragraph",
        "also": "Same story on",
        "source": "Source",
        "colon": ": ",
        "matched": "Matched",
        "open": "Open in Tidewatch",
        "unsubscribe": "Unsubscribe from these alerts",
        "preferences": "Manage preferences (pause, frequency, keywords)",
        "footer": "You receive this email because you subscribed to Tidewatch keyword alerts.",
        "no_time": "{day} (first seen; the page gives no date)",
        "articles": "{n} article",
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


def count(n: int, language: str) -> str:
    """「3 篇」, "1 article", "5 articles"."""
    text = LABELS[language]["articles"].format(n=n)
    return text + "s" if language == "en" and n != 1 else text


def when(moment: str, precision: str, language: str) -> str:
    """A time as the page gave it: minutes with the zone, a date alone, or a first-seen date."""
    day = moment[:10]
    if precision == "day":
        return day
    if precision == "unknown":
        return LABELS[language]["no_time"].format(day=day)
    return f"{day} {moment[11:16]} {moment[19:25] or '+08:00'}".rstrip()


def render(
    digest: Digest,
    unsubscribe_url: str,
    source_titles: dict[str, str],
    *,
    preferences_url: str | None = None,
    public_url: str | None = None,
) -> RenderedDigest:
    language = digest.subscriber.language
    subject = digest.subject()
    updates = sum(item.updated for item in digest.items)
    intro = "intro" if not updates else "intro_updates"
    if updates and updates < len(digest.items):
        intro = "intro_mixed"
    context = {
        "intro": LABELS[language][intro],
        "subject": subject,
        "headline": subject.removeprefix("【Tidewatch】").removeprefix("[Tidewatch] "),
        "name": digest.subscriber.name,
        "labels": LABELS[language],
        "groups": [
            (
                digest.label(rule),
                count(len(items), language),
                [_item(i, digest, source_titles, public_url) for i in items],
            )
            for rule, items in digest.groups
        ],
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": preferences_url,
        "language": language,
    }
    return RenderedDigest(
        subject=context["subject"],
        text=_env.get_template("digest.txt").render(context),
        html=_env.get_template("digest.html").render(context),
    )


def _item(
    item: DigestItem, digest: Digest, source_titles: dict[str, str], public_url: str | None
) -> dict[str, Any]:
    a, language = item.article, digest.subscriber.language
    title = segments(a.title, item.hit.title_highlights)
    snippet = segments(item.hit.snippet, item.hit.highlights)
    source = source_titles.get(a.source, a.source)
    return {
        "url": a.url,
        "title": title,
        "snippet": snippet,
        "title_text": marked(title),
        "snippet_text": marked(snippet),
        "source": source,
        "origin": _origin(a, source),
        "published": when(a.published_at, a.published_precision, language),
        "tags": [digest.label(rule) for rule in item.rules],
        "updated": item.updated,
        "updated_at": when(item.updated_at, "minute", language) if item.updated_at else None,
        "changed": item.changed,
        "tidewatch_url": f"{public_url.rstrip('/')}/article/{a.id}" if public_url else None,
        "also": [
            {
                "title": o.title,
                "source": source_titles.get(o.source, o.source),
                "origin": _origin(o, source_titles.get(o.source, o.source)),
                "published": when(o.published_at, o.published_precision, language),
                "url": o.url,
            }
            for o in item.also
        ],
    }


def _origin(article: StoredArticle, source: str) -> str | None:
    """来源, unless it only repeats the source's name (萧山日报 · 来源：萧山日报)."""
    origin = (article.origin or "").strip()
    return None if not origin or origin in source or source in origin else origin
