"""The generic Chinese news extractor: every field of an article page without selectors.

The body is found by scoring the page's reader lines (text length, Chinese punctuation, link
text) and adding each line's score to the block it sits in and a few of its ancestors, so the
element that holds the article's paragraphs wins over navigation, related links and comment
lists (the approach of readability and of GNE's text and punctuation density). The title is
the heading above the body that agrees with ``og:title`` or ``<title>``, or the ``<title>``
without its site suffix. The publish time, 来源, 记者, 通讯员 and 编辑 are read from the
visible text between the title and the body (the info line), the first and last paragraphs,
and then metas, JSON-LD and the URL. Each field says how it was found (``methods``) and in
which element (``selectors``), so ``seeds suggest`` can write selectors from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise

from lxml import html as lxml_html

from crawler.extract import dom
from crawler.extract.byline import (
    Byline,
    find_byline,
    is_byline_paragraph,
    is_person_name,
    is_placeholder,
    parse_byline,
)
from crawler.extract.dates import (
    Moment,
    date_from_url,
    find_moments,
    find_yearless,
    label_rank,
    normalise,
    parse_iso,
    plausible,
)
from crawler.extract.html import EDITOR_LABELS, ORIGIN_LABELS, after_label
from crawler.extract.text import clean_field, clean_line
from model.article import Precision

_PRECISE = {Precision.SECOND: 3, Precision.MINUTE: 2, Precision.DAY: 1, Precision.UNKNOWN: 0}
# Reader lines a body never keeps: page furniture that sits inside article containers.
_BOILERPLATE = re.compile(
    r"^(?:[【\[]?\s*(?:打印|关闭|关闭窗口|返回顶部|收藏|分享到?|字号|大|中|小|纠错|举报)\s*[】\]]?\s*)+$"
    r"|版权所有|copyright|©|转载请注明|未经授权|不得转载"
    r"|^.{0,8}(?:扫一扫|扫码|二维码|点击(?:查看|进入|阅读)).{0,12}$"
    r"|^(?:上一篇|下一篇|上一页|下一页|相关(?:新闻|阅读|推荐|文章|链接)|推荐阅读|延伸阅读|热门(?:新闻|推荐)?"
    r"|猜你喜欢|责任编辑|编辑|审核|校对|来源|作者|原标题|网友评论|评论|发表评论|我要评论|参与评论)"
    r"\s*[:：]?\s*$",
    re.I,
)
_LABEL_LINE = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|责编|编辑|审核|审校|校对|终审|来源|稿件来源|文章来源|本文来源|原标题|"
    r"监制|签发|值班编辑)\s*[:：]"
)
_EDITOR_INLINE = re.compile(
    r"[(（【\[]?\s*(?:责任编辑|责编|编辑)\s*[:：/|｜丨]?\s*"
    r"(?P<name>[\u4e00-\u9fff·]{2,8}?)(?=$|[\s)）】\]|/，,。]|审核|校对|来源|作者|[a-zA-Z\d])"
)
_ORIGIN_INLINE = re.compile(
    r"(?:稿件来源|文章来源|本文来源|内容来源|信息来源|来源|稿源)\s*[:：]\s*"
    r"(?P<origin>[^\s|｜/,，。;；:：)）]{2,30}?)"
    r"(?=$|[\s|｜/,，。;；)）]|作者|编辑|责任编辑|发布(?:时间|日期)|(?:时间|日期)\s*[:：]|记者|"
    r"浏览|阅读|点击|字号|\d{4}[-年/])"
)
_TITLE_SEPARATORS = re.compile(r"\s*(?:__|_|\||｜|-{1,2}|－|—{1,2}|–)\s*")
_SITE_WORDS = re.compile(r"网|频道|新闻|资讯|客户端|日报|晚报|在线|官网|门户|首页|中心|政府|发布")
_NEGATIVE_HINT = re.compile(
    r"comment|reply|discuss|related|recommend|relate|footer|foot|sidebar|side|nav|menu|hot|rank|"
    r"share|copyright|banner|ad-|ads|advert|login|link|list|pinglun|xgxw|tuijian",
    re.I,
)
_POSITIVE_HINT = re.compile(r"content|article|text|detail|body|main|zhengwen|news_con|TRS_", re.I)
_PUBLISHED_MARK = re.compile(r"publish|pubdate|datepublished|entry-date|post-date")
_ROLE_WORD = re.compile(r"记者|通讯员|作者|文\s*/")
_ENPPROPERTY = re.compile(r"<!--\s*enpproperty(.*?)/enpproperty\s*-->", re.S)
_TIMESTAMP = re.compile(
    r"\d{1,2}[:：]\d{2}|\d{4}[-/年]\d{1,2}[-/月]\d{1,2}|\d+\s*(?:分钟|小时|天)前"
)


@dataclass
class Extracted:
    title: str | None
    published_at: datetime | None  # aware, Asia/Shanghai
    published_precision: Precision  # UNKNOWN when no time
    body: str | None  # paragraphs joined by "\n"; None if no body found
    origin: str | None  # 来源
    authors: list[str]  # 记者 (not photographers)
    contributors: list[str]  # 通讯员
    editor: str | None  # 编辑 / 责任编辑
    images: list[str]  # absolute URLs of body images, in order
    methods: dict[str, str] = field(default_factory=dict)  # field → how it was found
    selectors: dict[str, str] = field(default_factory=dict)  # field → CSS of its element


def extract(
    html: str, url: str, *, now: datetime | None = None, earliest: date | None = None
) -> Extracted:
    """Every field of the article page ``html`` (already decoded) found at ``url``."""
    page = dom.parse(html)
    root = page.root
    heads = _Head.read(root, html)
    dom.clean(root)
    lines, _ = dom.lines(root, url)
    body = _Body.find(lines, _headline_line(heads, lines))
    methods: dict[str, str] = {}
    selectors: dict[str, str] = {}
    if page.flattened:
        methods["page"] = f"flattened (nested deeper than {dom.MAX_DEPTH} levels)"

    title, title_line = _title(heads, lines, body, methods, selectors)
    info = _info_lines(lines, body, title_line)
    kept, byline, editor, origin = _body_lines(body, title, info, methods, selectors)

    info_text = _region_text(info)
    after = _after_lines(lines, body)
    after_text = _region_text(after)
    for where, text, region in (("info-line", info_text, info), ("after-body", after_text, after)):
        if not origin and (origin := _origin(text)):
            methods["origin"] = f"text:{where}"
            selectors["origin"] = _selector_of(region, _ORIGIN_INLINE)
        if not editor and (editor := _editor(text)):
            methods["editor"] = f"text:{where}"
            selectors["editor"] = _selector_of(region, _EDITOR_INLINE)
        found = find_byline(text) or _posted_by(region)
        if found and not byline:
            methods["authors"] = f"text:{where}"
            selectors["authors"] = _selector_of(region, _ROLE_WORD)
        if found:
            found.merge(byline)
            byline = found
    if not origin and (origin := _unlabelled_origin(info)):
        methods["origin"] = "text:info-line-unlabelled"
    if not origin and heads.founder_title and (origin := _paper_name(heads)):
        methods["origin"] = "html:title-paper"
    if not byline and heads.founder_byline:
        byline = parse_byline(heads.founder_byline)
        methods["authors"] = "meta:enpproperty"
    if not byline and (confirmed := _shown(heads.meta_authors, f"{info_text} {after_text}")):
        byline = Byline(confirmed, [])
        methods["authors"] = "meta:author+text"
    if not byline and heads.json_ld_authors:
        byline = Byline(heads.json_ld_authors, [])
        methods["authors"] = "json-ld:author"
    if not byline:
        methods["authors"] = "missing"

    published, precision = _published(
        heads, info, after, kept, url, methods, selectors, now, earliest
    )

    text = "\n".join(line.text for line in kept) or None
    images = [img for line in kept for img in line.images] if text else []
    if text is None and (scripted := _script_body(html, url)):
        text, images = (
            "\n".join(ln.text for ln in scripted),
            [i for ln in scripted for i in ln.images],
        )
        methods["body"] = "script:json"
    if text is None:
        methods["body"] = "missing"
    for name in ("title", "origin", "editor"):
        methods.setdefault(name, "missing")
    return Extracted(
        title=title,
        published_at=published,
        published_precision=precision,
        body=text,
        origin=clean_field(origin),
        authors=byline.authors,
        contributors=byline.contributors,
        editor=clean_field(editor),
        images=list(dict.fromkeys(images)),
        methods=methods,
        selectors={k: v for k, v in selectors.items() if v},
    )


# -- what the <head> and machine-readable parts say ---------------------------------------------


@dataclass
class _Head:
    title: str | None = None
    og_title: str | None = None
    site_name: str | None = None
    article_title: str | None = None  # TRS / Hanweb <meta name="ArticleTitle">, JSON-LD headline
    json_ld_authors: list[str] = field(default_factory=list)
    meta_authors: list[str] = field(default_factory=list)  # <meta name="author">: often the site
    founder_title: str | None = None  # Founder e-paper metadata comment
    founder_byline: str | None = None
    moments: list[tuple[str, Moment]] = field(default_factory=list)  # (method, moment)

    _META_TIMES = (
        "article:published_time",
        "og:release_date",
        "pubdate",
        "publishdate",
        "publish_date",
        "publishtime",
        "publish-time",
        "firstpublishedtime",
        "ptime",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "datepublished",
        "sailthru.date",
        "parsely-pub-date",
        "article:create_at",
        "weibo:article:create_at",
        "created",
        "date",
    )

    @classmethod
    def read(cls, root: lxml_html.HtmlElement, html: str) -> _Head:
        head = cls()
        if match := _ENPPROPERTY.search(html[:200_000]):
            fields = dict(re.findall(r"<(\w+)>([^<]*)</\1>", match[1]))
            head.founder_title = clean_field(fields.get("title"))
            head.founder_byline = clean_field(fields.get("author"))
            if moment := parse_iso(fields.get("date", "")):
                head.moments.append(("meta:enpproperty", moment))
        titles = root.xpath("//title")
        if titles:
            head.title = clean_field(titles[0].text_content())
        for meta in root.iter("meta"):
            key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
            content = meta.get("content") or ""
            if key in ("og:title", "twitter:title") and not head.og_title:
                head.og_title = clean_field(content)
            elif key in ("og:site_name", "sitename", "application-name") and not head.site_name:
                head.site_name = clean_field(content)
            elif key in ("author", "article:author", "dc.creator") and not head.meta_authors:
                head.meta_authors = [
                    n for n in re.split(r"[,，;；、\s]+", clean_line(content)) if n
                ]
            elif key in ("articletitle", "headline") and not head.article_title:
                head.article_title = clean_field(content)
            elif key in cls._META_TIMES and (moment := parse_iso(content)):
                head.moments.append((f"meta:{key}", moment))
        for script in root.xpath("//script[@type='application/ld+json']"):
            dates, headlines, authors = _json_ld(script.text or "")
            for value in dates:
                if moment := parse_iso(value):
                    head.moments.append(("json-ld:datePublished", moment))
            head.article_title = head.article_title or next(iter(headlines), None)
            head.json_ld_authors = head.json_ld_authors or authors
        # the first <time> of a page dates the article; later ones date comments, unless
        # they say they are the publish time (pubdate, itemprop, class entry-date published)
        times = root.xpath("//time[@datetime] | //*[@itemprop='datePublished']")
        for i, el in enumerate(times):
            marks = f"{el.get('class', '')} {el.get('itemprop', '')}".lower()
            if i and el.get("pubdate") is None and not _PUBLISHED_MARK.search(marks):
                continue
            value = el.get("datetime") or el.get("content") or el.text_content()
            if moment := parse_iso(value or ""):
                head.moments.append((f"{el.tag}[datetime]", moment))
        return head


def _json_ld(text: str) -> tuple[list[str], list[str], list[str]]:
    """datePublished values, headlines and author names of a JSON-LD block."""
    try:
        data = json.loads(text[:1_000_000])
    except (ValueError, RecursionError):  # broken, or nested deeper than json can read
        return re.findall(r'"datePublished"\s*:\s*"([^"]+)"', text), [], []
    dates: list[str] = []
    headlines: list[str] = []
    authors: list[str] = []
    stack = [data]
    while stack:  # iterative: a hostile JSON-LD block may nest deeply
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("datePublished"), str):
                dates.append(item["datePublished"])
            if isinstance(item.get("headline"), str) and (
                headline := clean_field(item["headline"])
            ):
                headlines.append(headline)
            people = item.get("author")
            for person in people if isinstance(people, list) else [people]:
                if isinstance(person, dict) and person.get("@type") == "Person":
                    name = clean_field(str(person.get("name") or ""))
                    if name and name not in authors:
                        authors.append(name)
            stack.extend(v for k, v in item.items() if k != "author")
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return dates, headlines, authors


# -- body --------------------------------------------------------------------------------------


@dataclass
class _Body:
    node: lxml_html.HtmlElement | None
    lines: list[dom.Line]  # the reader lines inside node
    start: int  # index of the first line in the page's lines
    score: float = 0.0

    # how much of a line's score reaches the block it sits in and its ancestors
    LEVELS = (1.0, 0.9, 0.5, 0.3)

    @classmethod
    def find(cls, lines: list[dom.Line], title_at: int | None = None) -> _Body:
        """The element whose lines score best; ``title_at``: the headline's line, if known."""
        scores: dict[lxml_html.HtmlElement, float] = {}
        spans: dict[lxml_html.HtmlElement, list[int]] = {}
        totals: dict[lxml_html.HtmlElement, list[int]] = {}
        listed: dict[lxml_html.HtmlElement, float] = {}  # score from lines inside list items
        for line in lines:
            value = line_score(line)
            chain = dom.ancestors_and_self(line.block)
            item = next((i for i, el in enumerate(chain) if el.tag in _ITEM_TAGS), None)
            chars, link_chars, furniture = line.chars, line.link_chars, _is_comment_furniture(line)
            for el in chain:
                span = spans.setdefault(el, [line.index, line.index])
                span[1] = line.index
                total = totals.setdefault(el, [0, 0, 0])
                total[0] += chars
                total[1] += link_chars
                total[2] += furniture
            if value:
                for level, (weight, el) in enumerate(zip(cls.LEVELS, chain, strict=False)):
                    scores[el] = scores.get(el, 0.0) + value * weight
                    if item is not None and level > item:
                        listed[el] = listed.get(el, 0.0) + value * weight
        first = _first_below(lines, title_at)
        best, best_score = None, 0.0
        for el, raw in scores.items():
            chars, link_chars, stamps = totals[el]
            count = spans[el][1] - spans[el][0] + 1
            score = raw * (1 - link_chars / max(chars, 1)) * _hint(el)
            # a list of teasers (推荐阅读 with summaries) is no article, however much text
            score *= 1 - 0.8 * listed.get(el, 0.0) / raw
            if stamps >= 3:  # a comment list: a time, 回复 or 赞 on every few lines
                score *= max(0.05, 1 - 3 * stamps / count)
            lo, hi = spans[el]
            if first is not None and lo <= first <= hi and lo >= title_at - 1:
                score *= 1.5  # holds the first paragraph below the headline
            if score > best_score:
                best, best_score = el, score
        if best is None:
            return cls(None, [], len(lines))
        lo, hi = spans[best]
        return cls(best, lines[lo : hi + 1], lo, best_score)


def _first_below(lines: list[dom.Line], title_at: int | None) -> int | None:
    """The first line of text under the headline that is not its info line."""
    if title_at is None:
        return None
    for line in lines[title_at + 1 : title_at + 15]:
        if line_score(line) and not (line.chars <= 80 and _looks_like_info(line.text)):
            return line.index
    return None


_ITEM_TAGS = frozenset(("li", "dd", "dt"))
_FURNITURE = re.compile(
    r"^(?:回复|点赞|赞|举报|顶|踩|引用|删除)\s*[(（]?\d*[)）]?|\d+\s*楼$|^\d+楼"
)


def _is_comment_furniture(line: dom.Line) -> bool:
    """A short line of a comment's frame: a time stamp, 回复, 赞(3), 12楼."""
    if line.chars >= 60:
        return False
    return bool(_TIMESTAMP.search(line.text) or _FURNITURE.search(line.text))


def line_score(line: dom.Line) -> float:
    """What a line adds to its block: text that is not a link, more if it has punctuation."""
    text_chars = line.chars - line.link_chars
    if text_chars < 10 or line.link_share > 0.5:
        return 0.0
    punctuation = line.punctuation
    if not punctuation:
        return text_chars * 0.2
    return text_chars * (1 + min(punctuation / max(text_chars, 1) * 10, 1.0))


def _hint(el: lxml_html.HtmlElement) -> float:
    names = f"{el.get('class', '')} {el.get('id', '')}"
    factor = 1.0
    if _POSITIVE_HINT.search(names):
        factor *= 1.25
    if _NEGATIVE_HINT.search(names):
        factor *= 0.6
    if el.tag in ("article", "main"):
        factor *= 1.2
    if el.tag in ("li", "a", "ul", "ol", "nav", "aside", "footer"):
        factor *= 0.6
    return factor


def _body_lines(
    body: _Body,
    title: str | None,
    info: list[dom.Line],
    methods: dict[str, str],
    selectors: dict[str, str],
) -> tuple[list[dom.Line], Byline, str | None, str | None]:
    """The article's paragraphs, and the byline, editor and origin lines taken out of them."""
    info_ids = {line.index for line in info}
    kept: list[dom.Line] = []
    byline = Byline()
    editor = origin = None
    for line in body.lines:
        if line.index in info_ids or (title and line.text == title and not kept):
            continue
        link_list = line.link_share > 0.5 and not (line.chars >= 40 and line.punctuation >= 3)
        if link_list and not line.images:
            continue
        if _in_teaser(line, body.node):
            continue
        if _LABEL_LINE.match(line.text) and line.chars <= 60:
            editor = editor or _editor(line.text)
            origin = origin or _origin(line.text)
            if editor:
                methods.setdefault("editor", "text:body-line")
            continue
        if _BOILERPLATE.search(line.text) and line.chars <= 80 and not line.images:
            continue
        kept.append(line)
    # a byline paragraph first or second (潮新闻客户端 记者 …) is a field, not body text
    for position in range(min(2, len(kept))):
        line = kept[position]
        if is_byline_paragraph(line.text) or _only_byline(line.text):
            byline = parse_byline(line.text) or find_byline(line.text)
            if byline:
                methods["authors"] = f"text:paragraph-{position + 1}"
                selectors["authors"] = dom.css_path(line.block)
                del kept[position]
                break
    if not byline:  # a lead that keeps its byline: 本报讯（记者 张三 通讯员 李四）…
        for position, line in enumerate(kept[:2]):
            lead = find_byline(line.text[:80], labels=False)
            if lead:
                byline = lead
                methods["authors"] = f"text:paragraph-{position + 1}"
                break
    if not byline:  # （记者 张三 通讯员 李四） closing the article: it stays in the text
        for line in reversed(kept[-3:]):
            closing = _closing_byline(line.text)
            if closing:
                byline = closing
                methods["authors"] = "text:closing"
                break
    # an editor credit closing the last paragraph: …（编辑 张三）
    if kept and not editor and (match := _EDITOR_INLINE.search(kept[-1].text[-30:])):
        editor = match["name"]
        methods.setdefault("editor", "text:closing")
    if kept:
        methods["body"] = "density"
        selectors["body"] = dom.css_path(body.node) if body.node is not None else ""
    return kept, byline, editor, origin


_JSON_HTML = re.compile(
    r'"(?:content|body|articleContent|contentHtml|article_content|html|detail)"\s*:\s*'
    r'"((?:[^"\\]|\\.){120,})"'
)


def _script_body(html: str, url: str) -> list[dom.Line]:
    """A JavaScript shell's article: the HTML string of its embedded state (``__NEXT_DATA__``,
    ``window.__INITIAL_STATE__``), when the page itself shows no body."""
    best: list[dom.Line] = []
    for match in _JSON_HTML.finditer(html[:2_000_000]):
        try:
            fragment = json.loads(f'"{match[1]}"')
        except ValueError:
            continue
        if "<" not in fragment:
            continue
        found, _ = dom.lines(dom.parse(fragment).root, url)
        found = [ln for ln in found if ln.link_share <= 0.5]
        if sum(ln.chars for ln in found) > sum(ln.chars for ln in best):
            best = found
    return best if sum(line_score(ln) for ln in best) >= 20 else []


def _in_teaser(line: dom.Line, node: lxml_html.HtmlElement | None) -> bool:
    """A summary in a list item that links to another article: a teaser inside the body."""
    for el in dom.ancestors_and_self(line.block, 8):
        if el is node:
            return False
        if el.tag in _ITEM_TAGS:
            return any(dom.leads_elsewhere(a.get("href"), "") for a in el.iter("a"))
    return False


def _only_byline(text: str) -> bool:
    """A short line that says nothing but who wrote it: （记者 张三 通讯员 李四）, 文/张三."""
    if len(text) > 60:
        return False
    found = find_byline(text)
    if not found:
        return False
    rest = re.sub(
        r"[\s()（）【】\[\]:：/｜|、，,·]|本报|特约|见习|实习|首席|全媒体|融媒体|记者|通讯员|实习生|"
        r"作者|文|报道|摄影?|" + "|".join(map(re.escape, found.authors + found.contributors)),
        "",
        text,
    )
    return len(rest) <= 12  # an outlet name (钱江晚报·潮新闻) may stay


def _closing_byline(text: str) -> Byline:
    tail = text[-60:]
    match = re.search(r"[(（]([^()（）]{2,50})[)）]\s*$", tail)
    if match:
        found = find_byline(match[1])
        if found:
            return found
    if _only_byline(text):
        return find_byline(text)
    return Byline()


def _origin(text: str) -> str | None:
    match = _ORIGIN_INLINE.search(text)
    if match:
        return match["origin"]
    return after_label(text, ORIGIN_LABELS) if "来源" in text else None


def _editor(text: str) -> str | None:
    match = _EDITOR_INLINE.search(text)
    if match:
        return match["name"]
    if "编辑" in text:
        value = after_label(text, EDITOR_LABELS)
        if value and re.fullmatch(r"[\u4e00-\u9fff·]{2,8}", value):
            return value
    return None


def _paper_name(head: _Head) -> str | None:
    """An e-paper's own name, for its articles' 来源: 湖城日报数字报-标题 → 湖城日报."""
    for part in _TITLE_SEPARATORS.split(head.title or ""):
        name = re.sub(r"(?:数字报|电子报|电子版|数字版|数字报刊)$", "", part)
        if part != head.founder_title and re.search(r"[日晚]报|时报|商报|周刊", name):
            return name
    return None


def _shown(names: list[str], text: str) -> list[str]:
    """The meta's author names that look like people and are shown near the title."""
    return [n for n in names if is_person_name(n) and n in text]


def _posted_by(region: list[dom.Line]) -> Byline:
    """作者：<a>运河边的猫</a>: a nickname in its own element after an 作者 label."""
    for line in region:
        pieces = [clean_line(t) for t in line.block.itertext()]
        pieces = [p for p in pieces if p]
        for label, value in pairwise(pieces):
            labelled = re.search(r"(?:作者|发布者|博主)\s*[:：]?$", label)
            nickname = re.fullmatch(r"[\u4e00-\u9fffA-Za-z·_]{2,12}", value)
            if labelled and nickname and not is_placeholder(value):
                return Byline([value], [])
    return Byline()


def _region_text(region: list[dom.Line]) -> str:
    """The text of a few short lines with their inline pieces apart: 来源：X<span>作者：Y</span>."""
    parts: list[str] = []
    seen: set[int] = set()
    for line in region:
        block = line.block
        if id(block) in seen:
            continue
        seen.add(id(block))
        pieces = [clean_line(t) for t in block.itertext()]
        joined = " ".join(p for p in pieces if p)
        parts.append(joined if len(joined) <= 300 else line.text)
    return " ".join(parts)


def _after_lines(lines: list[dom.Line], body: _Body) -> list[dom.Line]:
    """A few short lines right after the body: where 作者, 编辑 and 来源 often close a story."""
    if not body.lines:
        return []
    end = body.lines[-1].index + 1
    return [ln for ln in lines[end : end + 12] if ln.chars <= 80 and ln.link_share < 0.5]


_INFO_NOISE = re.compile(
    r"字号|分享|浏览|阅读|点击|打印|评论|收藏|关闭|纠错|举报|[大中小]\s*[大中小]|次|[:：]|\d"
    r"|星期|礼拜|^周[一二三四五六日天]$|原创|关注|订阅|返回|首页|正文|视频|图片|上午|下午|晚上"
    r"|^[大中小]$|默认|字体|二维码|手机"
)


def _unlabelled_origin(info: list[dom.Line]) -> str | None:
    """潮新闻 beside the time with no 来源 label: the one short name left on the info line."""
    for line in info:
        if not find_moments(line.text):
            continue
        names = []
        for chunk in line.block.itertext():
            rest = _DATE_TEXT.sub(" ", chunk)
            rest = _BYLINE_TEXT.sub(" ", rest)
            names += [
                token
                for token in re.split(r"[\s|｜/]+", rest)
                if 2 <= len(token) <= 12
                and not _INFO_NOISE.search(token)
                and re.fullmatch(r"[\u4e00-\u9fff·]+", token)
            ]
        if len(names) == 1:
            return names[0]
    return None


_DATE_TEXT = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*(?:星期|周)[一二三四五六日天])?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
_BYLINE_TEXT = re.compile(
    r"(?:本报|特约|见习|实习|首席|全媒体|融媒体)?(?:记者|通讯员|实习生|作者)\s*[:：]?"
    r"(?:\s*[\u4e00-\u9fff·]{2,8}(?=\s|$|[、，,]))+"
)


def _selector_of(lines: list[dom.Line], pattern: re.Pattern[str]) -> str:
    for line in lines:
        if pattern.search(line.text):
            return dom.css_path(line.block)
    return ""


# -- title -------------------------------------------------------------------------------------


def _title(
    head: _Head,
    lines: list[dom.Line],
    body: _Body,
    methods: dict[str, str],
    selectors: dict[str, str],
) -> tuple[str | None, dom.Line | None]:
    """The headline above the body, decided by agreement of the page's candidates.

    A heading (h1–h3, an element named *title*) that ``og:title`` or ``<title>`` (less its
    suffixes) repeat wins; then the heading nearest above the body; then a line the metas
    repeat; then ``og:title`` or ``<title>`` with the site and channel suffix removed.
    """
    named = [t for t in (head.article_title, head.og_title, head.title, head.founder_title) if t]
    prefixes = {p for t in named for p in _title_prefixes(t)}
    above = lines[max(0, body.start - 40) : body.start + 3] if body.node is not None else lines
    nearest_first = sorted(above, key=lambda ln: -ln.index)
    headings = [ln for ln in nearest_first if _heading(ln.block) and 2 <= ln.chars <= 120]
    agreeing = [
        ln for ln in headings if _same(ln.text, prefixes) and not _is_site_name(ln.text, head)
    ]
    if agreeing:
        return _title_from(agreeing[0], "+title", methods, selectors)
    # no agreement: the nearest h1 (a subtitle h2 sits nearer), else the nearest heading
    usable = [ln for ln in headings if ln.chars >= 4 and not _is_site_name(ln.text, head)]
    usable.sort(key=lambda ln: ln.block.tag != "h1")  # stable: nearest first within each
    if usable:
        return _title_from(usable[0], "", methods, selectors)
    repeated = [ln for ln in nearest_first if _same(ln.text, prefixes) and ln.chars >= 4]
    repeated = [ln for ln in repeated if not _is_site_name(ln.text, head) and ln.link_share < 0.5]
    if repeated:
        return _title_from(repeated[0], "+title", methods, selectors)
    if (line := _line_above_info(above)) is not None:  # <title> is the site name, no heading
        methods["title"] = "text:above-info"
        selectors["title"] = dom.css_path(line.block)
        return line.text, line
    fallbacks = (
        (head.article_title, "meta:article-title"),
        (head.og_title, "meta:og"),
        (head.title, "html:title"),
    )
    for text, method in fallbacks:
        if text:
            title = _strip_suffix(text, head)
            methods["title"] = method
            return title, next((ln for ln in above if ln.text == title), None)
    return None, None


def _line_above_info(above: list[dom.Line]) -> dom.Line | None:
    """The line just above the first date line before the body: the headline on pages whose
    headline is an unnamed ``<div>`` and whose ``<title>`` is only the site's name."""
    for i in range(len(above) - 1, 0, -1):
        if above[i].chars <= 80 and find_moments(above[i].text):
            line = above[i - 1]
            plain = line.link_share < 0.5 and not find_moments(line.text)
            if plain and 5 <= line.chars <= 60 and line.text[-1] not in "。！？；：":
                return line
            return None
    return None


def _title_from(
    line: dom.Line, agreed: str, methods: dict[str, str], selectors: dict[str, str]
) -> tuple[str, dom.Line]:
    methods["title"] = f"{line.block.tag}{agreed}"
    selectors["title"] = dom.css_path(line.block)
    return line.text, line


def _heading(el: lxml_html.HtmlElement) -> bool:
    return el.tag in ("h1", "h2", "h3") or "title" in el.tag or _titled(el)


def _same(text: str, candidates: set[str]) -> bool:
    """``text`` is one of ``candidates`` up to width and spacing (：/:, full-width digits)."""
    return text in candidates or _squeezed(text) in candidates


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def _headline_line(head: _Head, lines: list[dom.Line]) -> int | None:
    """The first line that the title metas repeat: where the article's headline stands."""
    named = [t for t in (head.article_title, head.og_title, head.title, head.founder_title) if t]
    prefixes = {p for t in named for p in _title_prefixes(t) if len(p) >= 4}
    for line in lines:
        if _same(line.text, prefixes) and not _is_site_name(line.text, head):
            return line.index
    return None


def _titled(el: lxml_html.HtmlElement) -> bool:
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    return "title" in names or "biaoti" in names or "headline" in names


def _title_prefixes(title: str) -> list[str]:
    prefixes = _title_cuts(title)
    return prefixes + [_squeezed(p) for p in prefixes]  # also as compared by _same


def _title_cuts(title: str) -> list[str]:
    """``标题_频道_站名`` → [标题_频道_站名, 标题_频道, 标题], and ``站名 标题`` → [.., 标题]."""
    cuts = [m for m in _TITLE_SEPARATORS.finditer(title) if m.start() > 0]
    prefixes = [title] + [title[: m.start()].strip() for m in reversed(cuts)]
    prefixes += [title[m.end() :].strip() for m in cuts]
    prefixes += [title[m.end() :] for m in re.finditer(r"\s+", title)]  # 站名 标题
    return [p for p in prefixes if len(p) >= 2]


def _strip_suffix(title: str, head: _Head) -> str:
    return strip_title_suffix(title, head.site_name)


def strip_title_suffix(title: str, site_name: str | None = None) -> str:
    """A ``<title>`` without its site and channel names.

    ``标题_频道_站名``, ``标题 - 站名``, ``标题|站名``, ``标题__商贸_产业资讯_新浪网`` → ``标题``;
    ``站名-标题`` → ``标题``. Trailing parts go while they are short or name a site.
    """
    title = clean_line(title)
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p]
    if len(parts) < 2:
        return title

    def names_a_site(part: str) -> bool:
        return part == site_name or (len(part) <= 15 and bool(_SITE_WORDS.search(part)))

    prefixed = len(parts) == 2 and names_a_site(parts[0]) and not names_a_site(parts[1])
    if prefixed and len(parts[1]) > len(parts[0]):
        return parts[1]  # 站名-标题
    while len(parts) > 1 and (len(parts[-1]) <= 12 or names_a_site(parts[-1])):
        parts.pop()
    if len(parts) == 1:
        return parts[0]
    # several long parts stay: cut the title where the last kept part ends
    start = title.find(parts[0])
    end = title.find(parts[-1], start + len(parts[0])) + len(parts[-1])
    return title[start:end]


def _is_site_name(text: str, head: _Head) -> bool:
    """The site's own name (a logo, the e-paper's <title>) is no headline."""
    if head.site_name and text == head.site_name:
        return True
    if text in (head.article_title, head.og_title, head.founder_title):
        return False
    if head.title and head.title != text and len(text) <= 12:
        cut = head.title[: len(head.title) - len(text)]
        shorter = len(text) < len(cut.strip(" -_|｜—–－"))
        if shorter and head.title.endswith(text) and re.search(r"[-_|｜—–－]\s*$", cut):
            return True  # 标题_萧山网 and an h1 that reads 萧山网: the logo
    return text == head.title and head.founder_title is not None and text != head.founder_title


# -- info line and publish time ------------------------------------------------------------------


def _info_lines(lines: list[dom.Line], body: _Body, title_line: dom.Line | None) -> list[dom.Line]:
    """The lines between the headline and the first paragraph: time, 来源, 作者 live there."""
    first = _first_paragraph(body)
    if first is None:
        return []
    start = title_line.index + 1 if title_line and title_line.index < first else first - 6
    inside = {line.index for line in body.lines}
    found = [
        ln
        for ln in lines[max(start, 0) : first]
        if ln.chars <= 200 and (ln.index not in inside or _looks_like_info(ln.text))
    ]
    return found[-8:]


_INFO_WORDS = re.compile(
    r"(?:来源|作者|编辑|时间|日期|浏览|阅读|字号|发布|点击)\s*[:：]|浏览|阅读\s*\d|字号|点击数"
)


def _looks_like_info(text: str) -> bool:
    """A line above the first paragraph that is metadata, not a caption or a lead picture."""
    if re.search(r"(?:摄影?|供图|图片来源\S*)\s*$", text):
        return False  # 富春江上的渔船。记者 方琳 摄: a caption
    return bool(find_moments(text) or _INFO_WORDS.search(text) or _only_byline(text))


def _first_paragraph(body: _Body) -> int | None:
    for line in body.lines:
        info = line.chars <= 80 and _looks_like_info(line.text) and line.text[-1] not in "。！？”"
        if line_score(line) and line.punctuation and not info:
            return line.index
    return body.lines[0].index if body.lines else None


def _published(
    head: _Head,
    info: list[dom.Line],
    after: list[dom.Line],
    kept: list[dom.Line],
    url: str,
    methods: dict[str, str],
    selectors: dict[str, str],
    now: datetime | None,
    earliest: date | None,
) -> tuple[datetime | None, Precision]:
    """The most credible publish time, made as precise as the agreeing candidates allow."""
    candidates: list[tuple[int, str, Moment, str]] = []  # (rank, method, moment, selector)
    for line in info:
        for moment in find_moments(line.text):
            rank = 0 if moment.label and label_rank(moment.label) < 9 else 2
            if moment.label and moment.label.startswith("更新"):
                rank = 1
            candidates.append((rank, "text:info-line", moment, dom.css_path(line.block)))
    from_url = date_from_url(url)
    for line in info:  # 12-03 09:05 on mobile pages: the year from the URL or the clock
        year = from_url.year if from_url else None
        if not find_moments(line.text) and (moment := find_yearless(line.text, now=now, year=year)):
            candidates.append((4, "text:info-line-yearless", moment, dom.css_path(line.block)))
    for method, moment in head.moments:
        rank = 3 if "published" in method or "pub" in method or "json-ld" in method else 4
        candidates.append((rank, method, moment, ""))
    for line in after:  # 发布日期 closing a government notice; unlabelled ones date comments
        for moment in find_moments(line.text):
            if moment.label:
                candidates.append((4, "text:after-body", moment, dom.css_path(line.block)))
    for line in kept[:2] + kept[-2:]:
        for moment in find_moments(line.text[:40] if line in kept[:2] else line.text[-40:]):
            candidates.append((6, "text:body-edge", moment, ""))
    if from_url and (moment_at := from_url.moment()):
        candidates.append((5, "url-path", Moment(moment_at, Precision.DAY), ""))
    candidates = [c for c in candidates if plausible(c[2].at, now=now, earliest=earliest)]
    if from_url:  # a URL that names the month rules out dates of other months (sidebars)
        agreeing = [c for c in candidates if _agrees_with_url(c[2].at, from_url)]
        candidates = agreeing or candidates
    if not candidates:
        methods["published_at"] = "missing"
        return None, Precision.UNKNOWN
    candidates.sort(key=lambda c: (c[0], c[2].position))
    rank, method, best, selector = candidates[0]
    for other_rank, other_method, other, _ in candidates[1:]:  # the same moment, more precise
        trusted = other_rank <= 4 and other_method != "text:after-body"
        finer = _PRECISE[other.precision] > _PRECISE[best.precision]
        if trusted and finer and _refines(best, other):
            best, method = other, f"{method}+{other_method}"
    methods["published_at"] = method
    if selector:
        selectors["published_at"] = selector
    return best.at, best.precision


def _agrees_with_url(moment: datetime, url_date) -> bool:
    if (moment.year, moment.month) != (url_date.year, url_date.month):
        return False
    return url_date.day is None or moment.day == url_date.day


def _refines(coarse: Moment, fine: Moment) -> bool:
    a, b = coarse.at, fine.at
    if a.date() != b.date():
        return False
    if coarse.precision is Precision.MINUTE:
        # the page shows minutes: a machine time with zero seconds adds nothing to them
        return (a.hour, a.minute) == (b.hour, b.minute) and b.second != 0
    return True
