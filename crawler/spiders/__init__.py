"""Spider kinds. A seeds file picks one with ``spider = "<kind>"``."""

from crawler.spiders.epaper import EpaperSpider
from crawler.spiders.html import HtmlSpider
from crawler.spiders.tidenews import TidenewsSpider

SPIDER_KINDS = {"html": HtmlSpider, "epaper": EpaperSpider, "tidenews": TidenewsSpider}
