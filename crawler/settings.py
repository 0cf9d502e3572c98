"""Scrapy settings for Tidewatch (``scrapy.cfg`` points here; the CLI loads the same module).

Tidewatch's own configuration (data dir, host map, …) is not here: it is ``TIDEWATCH_CONFIG``,
a validated ``tidewatch.config.Config`` the CLI passes in, or read from the environment.
"""

BOT_NAME = "tidewatch"
SPIDER_LOADER_CLASS = "crawler.spiderloader.SeedsSpiderLoader"
SPIDER_MODULES = ["crawler.spiders"]

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 "
    "(compatible; Tidewatch news monitor)"
)
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}
ROBOTSTXT_OBEY = False  # the sources publish no robots.txt; politeness comes from the seeds
COOKIES_ENABLED = False

# Politeness: each seeds file sets DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
# Bounds on what a hostile or broken server can make us hold (each seeds file may set its own):
# a page over DOWNLOAD_MAXSIZE, compressed or once inflated, is cancelled as `too_large`; an
# article whose body is longer than TIDEWATCH_MAX_BODY_CHARS (default: the pipeline's
# MAX_BODY_CHARS) is `too_large` and never stored.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

DOWNLOAD_HANDLERS = {
    "http": "crawler.hostmap.HostMapDownloadHandler",
    "https": "crawler.hostmap.HostMapDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.ConditionalFetchMiddleware": 560}
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 500}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"  # `scrapy crawl -O x.json` writes readable Chinese
TELNETCONSOLE_ENABLED = False  # no debugging consoles listening on ports in production
REMOTE_CONTROL_ENABLED = False
