# ruff: noqa: E501  (one description a host, as it reads in the README table)
"""The README's manifest table, from the expected files (build.py writes it between markers)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

HARD = {
    "www.fcdemo-news.cn": 'nested `<table>`, `<td class="content">`, `　　…<br><br>` paragraphs, `<font>` captions, `gb2312` meta over GBK bytes, `标题_频道_站名`, hot list longer than the article; list pages `index.html` → `index_2.html`',
    "news.lxdemo.com.cn": "tables three deep, `<div><font>` paragraphs inside a `<td>`, `标题 - 站名`, end byline `（记者 … 通讯员 …）`, one-paragraph 快讯 (`本网讯`)",
    "www.tzdemo-news.cn": "GBK bytes, **no charset** in header or page, upper-case 2000s HTML; `311622` has two bytes overwritten with `0xFF` (body expects U+FFFD); `本报讯（记者 … 通讯员 …）` lead; `标题|站名`",
    "www.yjdemo-news.cn": "TRS WCM: `TRS_Editor` with inline `<style>`, `<!--<$[信息内容]>begin-->`, `t20241203_…` URLs, `PubDate` meta date-only on one page, `<span>` inside paragraphs, related list with dates; list `index.html` → `index_1.html` (plus the TRS `createPageHTML` script)",
    "www.jhdemo-news.com": "TRS on `/art/2024/12/3/art_…` URLs, og/article metas, og:title that differs (`（图）`), JSON-LD with a later `dateModified`, two authors, 快讯",
    "www.zsdemo.gov.cn": "Hanweb: `div#zoom`, `ArticleTitle`/`PubDate`/`ContentSource` metas, `<title>` = site name + title, 浏览次数 script; list `col/col1229/index.html` with `?uid=4521&pageNum=2` (a `routes.toml` query route) and records duplicated in a `<script type=text/xml>` datastore",
    "www.dsdemo.gov.cn": "Hanweb county portal, `<title>` = site + channel + title, centred caption",
    "blog.qtdemo-notes.net": "WordPress: `article.post`, `.entry-content`, `<h3>` sub-headings, visible date is day-only but `<time datetime>` has seconds, a second `time.updated`, Yoast JSON-LD, `ol.commentlist` longer than the post; list `/category/bendi/` → `/page/2/`",
    "m.hzdemo-news.cn": "mobile: `<section>`, viewport, lazy `data-src` images with a data-URI `src`, captions `p.img-desc`, end byline",
    "m.sxdemo-daily.com": "Vue SSR mobile (`data-v-…` attributes, one long line), `window.__INITIAL_STATE__`, lead paragraph before the `本报讯（记者 …）` paragraph, photographer credit in a caption, comments",
    "www.chaodemo.com.cn": "Next.js-style hashed classes (`.x3f9a`, `article_content__Xy7z9`), `__NEXT_DATA__`, stand-alone byline paragraph (removed from body), og date-only on one page, 28 comments longer than the article, `<figcaption>`, long feature",
    "www.pjdemo-news.cn": "no metas, no URL date: time only in text (`发布时间：2024年12月3日 9:05`, `时间：2024-12-08 07:30:00`, `发布时间:2024/12/10 10:40`); traps: top bar `今天是…`, sidebar `12-0x hh:mm`, comment times, an activity dated 2027",
    "news.dydemo.net": "`时间：2024年12月04日 14:20` (full-width colon, padded), sidebar dates, `标题__木雕红木_产业资讯_东阳新闻网`",
    "www.ajdemo-news.cn": "date only (`2024-12-03`, `2024年12月6日`), date-only `publishdate` meta: precision `day`",
    "www.lsdemo-net.cn": "no visible date and no meta: the day comes only from the URL `/2024-12/09/`",
    "www.qjdemo-wb.cn": "bylines: `本报讯（记者 … 通讯员 …）` in the second paragraph, `（本报记者 王五一）` and `（记者 … 通讯员 …）` at the end, an `编辑：` paragraph inside the text, photographer credits `记者 董怡 摄` / `通讯员 金锐 摄`, date-only `publishdate` meta over a minute-precision visible time, long feature",
    "zt.xrdemo-net.cn": "专题: `更新时间:2024-12-03 10:12    内容来源:萧山日报` on one line, no `.time`/`.source` classes, `_专题名_站名` suffix",
    "epaper.hzdemo-daily.cn": "方正 e-paper: `<founder-title>`, `div#ozoom > founder-content`, `<!--enpproperty …-->`, day precision, `第01版：要闻` channel; list `node_80112.htm` → `下一版` `node_80114.htm`",
    "www.qzdemo-news.cn": "方正翔宇 CMS: `<!--enpcontent-->…<!--/enpcontent-->` with all paragraphs on one line, `来源: ` with a half-width colon, seconds",
    "www.tldemo-news.cn": 'captions: `<p class="pic_txt">`, `<figure>/<figcaption>`, centred `图为…`, a caption before the first text paragraph',
    "news.wzdemo-net.cn": "26 comments (longer than the article) with later times, `publishdate` meta",
    "www.lademo-city.com": "快讯 of one paragraph under an 18-floor reply table",
    "www.hzdemo.gov.cn": "政务: `.pages_content#UCAP-CONTENT`, `发布时间/来源/发布机构/浏览次数` info line, date-only `PubDate`, a long 政策解读 with numbered sub-headings",
    "jxj.xsdemo.gov.cn": "`#UCAP-CONTENT`, `信息来源/作者/发布日期` info line with seconds",
    "www.nhdemo.gov.cn": "`.article-con`, `日期：` date only",
    "www.dqdemo-news.com": "GBK, no charset, plain `<div>` layout, time with seconds, end byline, `标题 - 站名`",
    "www.xhdemo-diary.com": "WordPress Astra theme, visible date day-only, time only in `article:published_time` (and a later `modified_time`), nickname author, `<figcaption>`, comments",
    "www.tmdemo-news.cn": "styled-components classes (`sc-gsTCUz bhdLno`), paragraphs are `<div>`s, no `<h1>`, bare `<title>天目新闻</title>`, dotted date `2024.12.11 14:03`, `__APOLLO_STATE__`",
    "www.yhdemo-news.cn": "专题: `更新时间：2024年12月12日 09:18 | 内容来源：余杭晨报 | 作者：…` in a plain `<p>`, no classes on title or info",
}


def table(root: Path) -> str:
    rows: dict[str, dict] = defaultdict(lambda: {"families": set(), "pages": 0, "enc": set()})
    for f in sorted((root / "expected").glob("*/*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        row = rows[f.parent.name]
        row["families"].add(d["family"])
        row["pages"] += 1
        row["enc"].add(d["encoding"])
    lines = ["| host | family | pages | encoding | what makes it hard |", "|---|---|---|---|---|"]
    for host, row in sorted(rows.items(), key=lambda kv: (sorted(kv[1]["families"]), kv[0])):
        lines.append(
            f"| `{host}` | {', '.join(sorted(row['families']))} | {row['pages']} | "
            f"{', '.join(sorted(row['enc']))} | {HARD.get(host, '')} |"
        )
    return "\n".join(lines)
