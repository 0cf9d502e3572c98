"""The `tidewatch` command line. Output formats here are a contract other tools rely on."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from crawler.seeds import SeedsError, load_sources
from model.clock import parse_since
from store import open_store
from store.base import ArticleStore, SearchHit, StoredArticle, StoreError, article_id
from store.query import Query, QueryError, parse
from tidewatch.config import Config, ConfigError, load_config
from tidewatch.tomlfile import FileError

if TYPE_CHECKING:
    from store.elasticsearch import ElasticsearchStore


class UsageError(Exception):
    """Bad input on the command line: printed, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config()
        return args.run(config, args)
    except (UsageError, ConfigError, SeedsError, FileError) as e:
        print(f"tidewatch: {e}", file=sys.stderr)
        return 2
    except StoreError as e:  # locked, disk full, corrupt: the message says what to do
        print(f"tidewatch: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `tidewatch export | head`: the reader has had enough
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tidewatch", description="Monitor Chinese regional news: crawl, search, export."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    crawl = commands.add_parser("crawl", help="crawl one source now and print a summary")
    crawl.add_argument("source", help="a source name from seeds/ (xsnet, xsrb, tidenews)")
    crawl.add_argument(
        "--start-url",
        action="append",
        default=[],
        metavar="URL",
        help="start from this list page instead of the seeds' (repeatable)",
    )
    crawl.add_argument(
        "--url",
        action="append",
        default=[],
        metavar="ARTICLE_URL",
        help="fetch just this article (repeatable)",
    )
    crawl.add_argument("--json", action="store_true", help="print the summary as JSON")
    crawl.set_defaults(run=cmd_crawl)

    search = commands.add_parser("search", help="search stored articles")
    search.add_argument("query", help='e.g. 钱塘, "digital economy", 钱塘 -钱塘江, A OR (B AND C)')
    _add_filters(search)
    search.add_argument("--limit", type=int, default=20, help="at most this many results")
    search.add_argument("--json", action="store_true", help="print results as a JSON array")
    search.set_defaults(run=cmd_search)

    export = commands.add_parser("export", help="every stored article as JSON lines")
    _add_filters(export)
    export.set_defaults(run=cmd_export)

    show = commands.add_parser("show", help="one stored article, with how each field was found")
    show.add_argument("article", help="an article id or URL")
    show.add_argument("--json", action="store_true", help="print the stored record as JSON")
    show.set_defaults(run=cmd_show)

    digest = commands.add_parser("digest", help="match new articles and send due digests now")
    digest.add_argument(
        "--subscriber",
        metavar="EMAIL",
        help="only this subscriber, with whatever is pending, due or not",
    )
    digest.add_argument(
        "--dry-run",
        action="store_true",
        help="print the digests instead of sending them (nothing is marked sent)",
    )
    digest.set_defaults(run=cmd_digest)

    alerts = commands.add_parser("alerts", help="keyword alert rules and subscribers")
    actions = alerts.add_subparsers(required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate the subscribers file")
    check.set_defaults(run=cmd_alerts_check)
    test = actions.add_parser("test", help="which stored articles a rule would match")
    test.add_argument("rule", help="a rule, e.g. '钱塘 -钱塘江'")
    test.add_argument("--source", help="only this source")
    test.add_argument("--limit", type=int, default=20)
    test.set_defaults(run=cmd_alerts_test)
    serve = actions.add_parser("serve", help="serve the unsubscribe endpoint on web_listen")
    serve.set_defaults(run=cmd_alerts_serve)

    serve = commands.add_parser("serve", help="the service: crawls and digests on schedule")
    serve.set_defaults(run=cmd_serve)

    status = commands.add_parser("status", help="each source's last run, health and next run")
    status.add_argument("--json", action="store_true", help="print JSON for machines")
    status.set_defaults(run=cmd_status)

    index = commands.add_parser("index", help="the Elasticsearch index (TIDEWATCH_ES_URL)")
    steps = index.add_subparsers(required=True, metavar="ACTION")
    steps.add_parser("create", help="template, index, alias (idempotent)").set_defaults(
        run=cmd_index_create
    )
    steps.add_parser("status", help="documents per source, mapping version").set_defaults(
        run=cmd_index_status
    )
    again = steps.add_parser("reindex", help="copy into a new index and switch the alias")
    again.add_argument(
        "--from",
        dest="origin",
        choices=("sqlite", "index"),
        default="index",
        help="copy from the embedded SQLite store or the current index",
    )
    again.set_defaults(run=cmd_index_reindex)

    seeds = commands.add_parser("seeds", help="source definitions (seeds/*.toml)")
    seeds_actions = seeds.add_subparsers(required=True, metavar="ACTION")
    suggest = seeds_actions.add_parser(
        "suggest", help="learn a seeds file from a list page (printed, with a preview)"
    )
    suggest.add_argument("list_url", metavar="LIST_URL", help="a channel or list page")
    suggest.add_argument(
        "article_urls", nargs="*", metavar="ARTICLE_URL", help="articles to learn selectors from"
    )
    suggest.set_defaults(run=cmd_seeds_suggest)

    demo = commands.add_parser("demo", help="crawl the bundled replica sites and show results")
    demo.add_argument(
        "--serve",
        action="store_true",
        help="then run `tidewatch serve` against the replica and print the web UI's address "
        "(Ctrl-C stops it)",
    )
    demo.set_defaults(run=cmd_demo)
    return parser


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", help="only this source")
    parser.add_argument("--since", type=_since, help="published on/after (YYYY-MM-DD or ISO time)")


def _since(text: str) -> datetime:
    try:
        return parse_since(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# -- commands ---------------------------------------------------------------------------------


def cmd_crawl(config: Config, args: argparse.Namespace) -> int:
    from crawler.run import run_crawls  # Scrapy loads only for commands that crawl

    _check_source(config, args.source)
    open_store(config).close()  # a store that cannot open stops here, with one clear message
    arguments = {"start_url": args.start_url or None, "url": args.url or None}
    (summary,) = run_crawls(config, {args.source: arguments})
    print(json.dumps(summary.as_dict(), ensure_ascii=False) if args.json else summary.line())
    return 1 if summary.pages == 0 or summary.errors.get("store_error") else 0


def cmd_search(config: Config, args: argparse.Namespace) -> int:
    query = _parse_query(args.query)
    if args.source:
        _check_source(config, args.source)
    store = open_store(config)
    try:
        hits = store.search(query, source=args.source, since=args.since, limit=args.limit)
        total = _total(
            store, query, shown=len(hits), limit=args.limit, source=args.source, since=args.since
        )
    finally:
        store.close()
    if args.json:
        print(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    _print_hits(hits, sys.stdout)
    if hits:
        shown = f"showing the first {len(hits)}" if total > len(hits) else "all shown"
        print(f"\n{total} {'article matches' if total == 1 else 'articles match'}; {shown}")
    return 0


def _total(store: ArticleStore, query: Query, *, shown: int, limit: int, **filters: Any) -> int:
    """Every match, not just the page printed: the store's exact count."""
    return shown if shown < limit else store.count_matches(query, **filters).total


def cmd_export(config: Config, args: argparse.Namespace) -> int:
    store = open_store(config)
    try:
        for article in store.articles(source=args.source, since=args.since):
            print(json.dumps(article.export(), ensure_ascii=False))
    finally:
        store.close()
    return 0


def cmd_show(config: Config, args: argparse.Namespace) -> int:
    store = open_store(config)
    try:
        ref = args.article
        article = store.get(article_id(ref) if "://" in ref else ref)
        if article is None:
            raise UsageError(f"no stored article {ref!r}")
    finally:
        store.close()
    if args.json:
        record = {**article.export(), "extraction": article.extraction}
        print(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        _print_article(article, config, sys.stdout)
    return 0


def _print_article(article: StoredArticle, config: Config, out: TextIO) -> None:
    """Title, byline and body first, then every field in words, with how it was found."""
    from web.app import FIELD_LABELS, published_text, when_text

    def say(text: str) -> None:
        print(printable(text), file=out)

    names = {name: s.title for name, s in load_sources(config.seeds_dir).items()}
    source = names.get(article.source, article.source)
    byline = [source, article.channel, published_text(article)]
    if article.origin and article.origin != source:
        byline.append(f"来源 {article.origin}")
    say(article.title)
    say(" · ".join(x for x in byline if x))
    say(article.url)
    say("")
    for line in article.body.splitlines():
        if line.strip():
            say(f"  {line}")
    say("")
    width = max(_display_width(label) for _, label in FIELD_LABELS)
    for name, label in FIELD_LABELS:
        value = getattr(article, name)
        if name == "published_at":
            shown = published_text(article)
        elif name in ("first_seen", "last_seen"):
            shown = when_text(value, seconds=True)
        elif name == "source":
            shown = f"{source} ({value})"
        elif isinstance(value, list):
            shown = "\n".join(value) if name == "images" else "、".join(value)
        else:
            shown = str(value) if value not in (None, "") else "—"
        method = article.extraction.get(name)
        lines = (shown or "—").splitlines()
        pad = " " * (width - _display_width(label))
        first = lines[0] + (f"   [{method}]" if method else "")
        say(f"{label}{pad}  {first}")
        for more in lines[1:]:
            say(f"{' ' * width}  {more}")


def cmd_digest(config: Config, args: argparse.Namespace) -> int:
    from alerts.service import Alerts

    store = open_store(config)
    alerts = Alerts(config, store)
    try:
        if args.subscriber and args.subscriber not in {s.email for s in alerts.subscribers}:
            raise UsageError(f"no subscriber {args.subscriber!r} in {config.subscribers_file}")
        matched = alerts.match_new_articles()
        reports = alerts.send_due(only=args.subscriber, dry_run=args.dry_run)
    finally:
        alerts.close()
        store.close()
    print(f"{matched} new matches; {len(reports)} digests")
    for r in reports:
        what = f"{r.articles} articles · {r.subject} " if r.subject else ""
        print(f"{r.subscriber}: {r.status} {what}{r.detail}".rstrip())
        if r.rendered and args.dry_run:
            print(f"\n{r.rendered.text}")
    if failed := [r.subscriber for r in reports if r.failed]:
        print(f"tidewatch: not delivered to {', '.join(failed)} (retried later)", file=sys.stderr)
    return 1 if failed else 0


def cmd_alerts_check(config: Config, args: argparse.Namespace) -> int:
    from alerts.subscriptions import load_subscribers

    subscribers = load_subscribers(config.subscribers_file, set(load_sources(config.seeds_dir)))
    rules = sum(len(s.rules) for s in subscribers)
    print(f"{config.subscribers_file}: {len(subscribers)} subscribers, {rules} rules: OK")
    return 0


def cmd_alerts_test(config: Config, args: argparse.Namespace) -> int:
    query = _parse_query(args.rule)
    store = open_store(config)
    try:
        hits = store.search(query, source=args.source, limit=args.limit)
        total = _total(store, query, shown=len(hits), limit=args.limit, source=args.source)
    finally:
        store.close()
    _print_hits(hits, sys.stdout)
    shown = f" (showing {len(hits)})" if total > len(hits) else ""
    print(f"{total} article{'s' * (total != 1)} match{'es' * (total == 1)}{shown}")
    return 0


def cmd_alerts_serve(config: Config, args: argparse.Namespace) -> int:
    from alerts.ledger import Ledger
    from alerts.unsubscribe import UnsubscribeApp, load_secret
    from tidewatch import logs
    from web.guard import Guard
    from web.server import listen

    logs.configure(config.log_level)  # zoned times, credentials redacted, as in `serve`
    app = UnsubscribeApp(Ledger(config.ledger_path), load_secret(config))
    server = listen(Guard(app, config), config, start=False)  # limits and guard of `serve`
    print(
        f"unsubscribe and preferences pages on http://{server.host}:{server.port}/unsubscribe "
        "and /preferences",
        flush=True,
    )
    server.serve_forever()
    return 0


def cmd_serve(config: Config, args: argparse.Namespace) -> int:
    from scheduler.service import serve

    return serve(config)


def cmd_status(config: Config, args: argparse.Namespace) -> int:
    from scheduler.runs import RunLog
    from scheduler.status import source_status

    with RunLog.snapshot(config.data_dir / "runs.sqlite3") as runs:
        rows = source_status(config, runs)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    last_run, next_run = "LAST RUN (+08:00)", "NEXT RUN (+08:00)"  # Asia/Shanghai, as stored
    print(f"{'SOURCE':<10} {'HEALTH':<9} {last_run:<20} {'OUTCOME':<12} {'NEW':>4}  {next_run}")
    for r in rows:
        last = (r["last_run"] or "never")[:19].replace("T", " ")
        upcoming = (r["next_run"] or "—")[:19].replace("T", " ")
        print(
            f"{r['source']:<10} {r['health']:<9} {last:<20} {r['outcome'] or '—':<12} "
            f"{r['new'] or 0:>4}  {upcoming}"
        )
        if r["reason"] and r["health"] != "healthy":
            print(f"           {r['reason']}")
        if r.get("unextracted_count"):
            print(f"           pages not extracted: {r['unextracted_count']}")
            for page in r["unextracted"][:5]:
                tried = (page["last_tried"] or "")[:16].replace("T", " ") + " +08:00"
                print(f"             {page['url']}  ({page['reason']}; last tried {tried})")
    return 0


def _es_store(config: Config) -> ElasticsearchStore:
    if not config.es_url:
        raise UsageError("no Elasticsearch configured: set TIDEWATCH_ES_URL")
    from store import elasticsearch_store

    return elasticsearch_store(config)


def cmd_index_create(config: Config, args: argparse.Namespace) -> int:
    store = _es_store(config)
    try:
        index = store.create()
    finally:
        store.close()
    print(f"{store.alias} → {index}: ready")
    return 0


def cmd_index_status(config: Config, args: argparse.Namespace) -> int:
    from store.elasticsearch import mapping_version
    from store.spool import Spool

    store = _es_store(config)
    try:
        indices = list(store.es.indices.get_alias(name=store.alias))
        meta = store.es.indices.get_mapping(index=store.alias)
        versions = {i: m["mappings"].get("_meta", {}).get("version") for i, m in meta.items()}
        counts = store.counts_by_source()
    finally:
        store.close()
    print(f"alias {store.alias} → {', '.join(indices)}")
    print(f"mapping version: index {versions}, this Tidewatch {mapping_version()}")
    for source, count in sorted(counts.items()):
        print(f"  {source:<10} {count:>8} articles")
    spooled = len(Spool(config.spool_dir).load())
    print(f"spooled, waiting for the index: {spooled}")
    return 0


def cmd_index_reindex(config: Config, args: argparse.Namespace) -> int:
    from store.reindex import reindex
    from store.sqlite import SqliteStore

    target = _es_store(config)
    origin = SqliteStore(config.store_path) if args.origin == "sqlite" else _es_store(config)

    def progress(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "█" * filled + "·" * (width - filled)
        print(f"\r{bar} {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        index, copied = reindex(target, origin, config.data_dir / "reindex.json", progress)
    finally:
        origin.close()
        target.close()
    print(f"\n{copied} articles copied into {index}; {target.alias} now points to it")
    return 0


def cmd_seeds_suggest(config: Config, args: argparse.Namespace) -> int:
    from crawler.suggest import SuggestError, suggest

    try:
        suggestion = suggest(args.list_url, args.article_urls, config.host_map)
    except SuggestError as e:
        raise UsageError(str(e)) from None
    print(suggestion.toml(), end="")
    return 0


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from tidewatch.demo import run_demo, serve_demo

    code = run_demo(config, sys.stdout)
    if code or not args.serve:
        return code
    return serve_demo(config, sys.stdout)


# -- helpers ----------------------------------------------------------------------------------


def _parse_query(text: str) -> Query:
    try:
        return parse(text)
    except QueryError as e:
        pad = _display_width(unicodedata.normalize("NFKC", text)[: e.column - 1])
        raise UsageError(f"bad query: {e.reason}\n  {text}\n  {' ' * pad}^") from None


def _check_source(config: Config, name: str) -> None:
    known = load_sources(config.seeds_dir)
    if name not in known:
        raise UsageError(f"unknown source {name!r}; known: {', '.join(sorted(known))}")


def _display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _print_hits(hits: list[SearchHit], out: TextIO) -> None:
    if not hits:
        print("no matches", file=out)
        return
    tty = out.isatty()
    for n, hit in enumerate(hits, 1):
        a = hit.article
        print(f"{n}. {mark(a.title, hit.title_highlights, tty)}", file=out)
        when = a.published_at[:16].replace("T", " ")
        meta = " · ".join(x for x in (a.source, when, a.origin, a.url) if x)
        print(f"   {printable(meta)}", file=out)
        print(f"   {mark(hit.snippet, hit.highlights, tty)}", file=out)


def mark(text: str, spans: list[tuple[int, int]], tty: bool = False) -> str:
    """Highlight spans: bold yellow on a terminal, **…** markers in pipes and files."""
    start_mark, end_mark = ("\x1b[1;33m", "\x1b[0m") if tty else ("**", "**")
    out, last = [], 0
    for s, e in spans:
        out += [printable(text[last:s]), start_mark, printable(text[s:e]), end_mark]
        last = e
    out.append(printable(text[last:]))
    return "".join(out)


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text from the web made safe for a terminal: control characters (an escape sequence,
    NUL) are shown as ``\\x1b``, never sent raw. Newline and tab pass."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


if __name__ == "__main__":
    sys.exit(main())
