"""What every corpus site shares: the article record, its text format, the noise blocks.

Each ``sites_*.py`` module renders its own hosts' pages by hand-written templates; this module
only holds the article data type, the tiny paragraph mark-up the articles are written in, and
writers for pages and expected-field files. Run ``python3 tests/corpus/src/build.py``.

Paragraph mark-up (one paragraph a line, blank lines ignored):
    plain line      a body paragraph
    ``!URL``        an image (not a paragraph; its absolute URL goes to ``images``)
    ``^text``       a caption paragraph (a body paragraph at its position)
    ``#text``       a sub-heading paragraph (a body paragraph)
    ``@text``       a byline / editor paragraph at the end that is part of the article text
    ``~text``       a paragraph of the page's body element that is NOT article text: a
                    stand-alone byline paragraph (``潮新闻记者 张三``), removed by convention
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CORPUS = Path(__file__).resolve().parent.parent


@dataclass
class Block:
    kind: str  # p, img, cap, h, by, rm
    text: str


@dataclass
class Art:
    url: str
    title: str
    published: str | None  # "2024-12-03 09:05[:12]" or "2024-12-03" or None
    text: str
    family: str
    origin: str | None = None
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    editor: str | None = None
    channel: str | None = None
    traits: list[str] = field(default_factory=list)
    precision: str | None = None  # forced precision (e.g. "day" when only the URL gives it)
    extra: dict = field(default_factory=dict)  # per-template knobs

    @property
    def blocks(self) -> list[Block]:
        out = []
        for line in self.text.strip().splitlines():
            line = line.strip()
            if not line:
                continue
            kind = {"!": "img", "^": "cap", "#": "h", "@": "by", "~": "rm"}.get(line[0], "p")
            out.append(Block(kind, line[1:].strip() if kind != "p" else line))
        return out

    @property
    def body(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind not in ("img", "rm")]

    @property
    def images(self) -> list[str]:
        return [urljoin(self.url, b.text) for b in self.blocks if b.kind == "img"]

    @property
    def dt(self) -> datetime | None:
        if not self.published:
            return None
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                return datetime.strptime(self.published, fmt)
            except ValueError:
                pass
        raise ValueError(self.published)

    @property
    def published_precision(self) -> str:
        if self.precision:
            return self.precision
        if not self.published:
            return "unknown"
        return {19: "second", 16: "minute", 10: "day"}[len(self.published)]

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def expected(self, encoding: str) -> dict:
        dt = self.dt
        return {
            "url": self.url,
            "title": self.title,
            "published_at": dt.strftime("%Y-%m-%dT%H:%M:%S+08:00") if dt else None,
            "published_precision": self.published_precision,
            "origin": self.origin,
            "authors": self.authors,
            "contributors": self.contributors,
            "editor": self.editor,
            "channel": self.channel,
            "body": self.body,
            "images": self.images,
            "family": self.family,
            "traits": self.traits,
            "encoding": encoding,
        }

    # date renderings as sites print them
    def d(self, style: str) -> str:
        t = self.dt
        hm = f"{t.hour}:{t.minute:02d}"
        full = {
            "cn": f"{t.year}年{t.month}月{t.day}日 {hm}",
            "cnpad": f"{t:%Y年%m月%d日 %H:%M}",
            "cnday": f"{t.year}年{t.month}月{t.day}日",
            "cnpadday": f"{t:%Y年%m月%d日}",
            "iso": f"{t:%Y-%m-%d %H:%M}",
            "isos": f"{t:%Y-%m-%d %H:%M:%S}",
            "isoday": f"{t:%Y-%m-%d}",
            "slash": f"{t.year}/{t.month}/{t.day} {t:%H:%M}",
            "slashday": f"{t.year}/{t.month}/{t.day}",
            "dotday": f"{t:%Y.%m.%d}",
            "meta": f"{t:%Y-%m-%dT%H:%M:%S}+08:00",
            "metaz": f"{t:%Y-%m-%d %H:%M:%S}",
            "utc": f"{t - timedelta(hours=8):%Y-%m-%dT%H:%M:%S}Z",
        }
        return full[style]


def paragraphs_html(
    a: Art,
    p: str = "<p>{}</p>",
    img: str = '<p><img src="{}" /></p>',
    cap: str | None = None,
    h: str | None = None,
    by: str | None = None,
    joiner: str = "\n",
) -> str:
    """Render the article blocks with per-kind HTML patterns (``{}`` takes the text/src)."""
    pats = {"p": p, "img": img, "cap": cap or p, "h": h or p, "by": by or p, "rm": p}
    return joiner.join(pats[b.kind].format(b.text) for b in a.blocks)


# --- noise: hot lists, related links, comments, footers -----------------------------------

HEADLINES = [
    "全市重点项目集中开工 总投资超百亿元",
    "湘湖三期景区今起试开放 市民可免费预约入园",
    "地铁5号线南延段进入联调联试阶段",
    "今冬首场寒潮来袭 最低气温将跌破0℃",
    "“浙里办”上线新功能 公积金提取最快秒到账",
    "区人大常委会召开第二十三次会议",
    "一季度外贸进出口同比增长12.6%",
    "全国文明城市创建迎来年度测评",
    "这所百年老校迎来新校区 明年9月投用",
    "老旧小区加装电梯提速 今年已完工186台",
    "杭州亚运场馆赛后利用交出新答卷",
    "钱塘江两岸夜景灯光工程全面亮灯",
    "跨境电商综试区新增20家海外仓",
    "农村文化礼堂“点单式”服务惠及万户",
    "2025届高校毕业生供需见面会举行",
    "副区长带队检查节前安全生产工作",
    "冬季流感高发 医生提醒这几类人群尽早接种疫苗",
    "省级未来社区创建名单公布 我区5个社区入选",
    "非遗进校园 孩子们学做传统竹编",
    "高速公路服务区新增一批充电桩",
    "菜价平稳 “菜篮子”供应充足",
    "第四届乡村振兴论坛开幕 百余名专家共话共富",
    "商场周末客流同比增长两成 假日消费持续升温",
    "这条断头路终于打通了 市民出行少绕三公里",
    "消防部门开展高层建筑灭火救援演练",
    "全省数字经济创新提质工作推进会召开",
    "市民中心“一窗通办”窗口延长服务时间",
    "区融媒体中心获评省级优秀县级融媒体中心",
    "图书馆夜间开放延至晚上九点",
    "义乌小商品城新年订单排到明年三月",
    "城区主干道“白改黑”工程本周启动",
    "环湖绿道全线贯通 全长38公里",
    "暖冬行动：为环卫工人送上热姜茶",
    "医保新政明年起实施 门诊报销比例提高",
    "首届青年创新创业大赛决赛落幕",
    "全市中小学开展防溺水专题教育",
    "秋粮收购启动 农户种粮收益稳中有升",
    "小区垃圾分类“撤桶并点”改造完成",
    "区政协委员走进企业开展协商议事",
    "城市大脑交通模块上线 高峰拥堵指数下降",
]

COMMENTS = [
    "这个政策真的好，希望早点落地到我们村。",
    "支持！上周刚去过，环境比以前好多了，停车也方便了。",
    "请问具体在哪里报名？文章里没写清楚啊。",
    "家门口的变化看得见，点赞家乡建设者。",
    "希望不要只是一阵风，后续管理要跟上。",
    "我们小区也申请了，排队排了大半年了，啥时候轮到？",
    "写得很详细，转给爸妈看看。",
    "周末带孩子去看看，不知道要不要门票。",
    "以前这里是一片农田，现在完全认不出来了。",
    "实实在在为老百姓办事，好！",
    "建议把公交线路也延伸过去，不然老人去一趟不方便。",
    "记者辛苦了，报道很及时。",
    "有没有更详细的路线图？导航上还搜不到。",
    "期待明年全部建成，到时候一定去打卡。",
    "身边的好人好事要多宣传，正能量满满。",
    "价格能不能再便宜一点，年轻人压力也很大。",
    "早上路过那边确实堵，希望改造完能好一点。",
    "作为本地人，为家乡的发展感到骄傲！",
    "这个数据是怎么统计的？感觉身边没那么明显。",
    "楼上的，可以打12345问问，挺快回复的。",
    "我爷爷就是老手艺人，看到这篇文章很感动。",
    "学校的伙食也要好好管管，孩子天天说吃不饱。",
    "昨天刚去办了，确实快，十分钟就搞定了。",
    "每次看到这种新闻都觉得生活越来越有盼头。",
    "停车位太少了，周末根本找不到地方停。",
    "能不能多开几场？报名一下子就满了。",
    "好消息！终于等到了。",
    "希望相关部门多听听基层的声音。",
    "图片拍得真漂亮，这是用无人机拍的吧？",
    "我觉得还可以更大胆一点，步子迈得再快一些。",
]

NICKS = [
    "钱塘小鱼",
    "湘湖边的风",
    "老杭州",
    "网友1987",
    "萧然人家",
    "打工人阿强",
    "北干山下",
    "江南布衣",
    "匿名用户",
    "城厢街道居民",
    "新塘小哥",
    "宁围的夏天",
    "闻堰老张",
    "浙里人",
    "风吹稻花香",
    "一杯龙井",
    "夜跑的猫",
    "手机用户5821",
    "瓜沥阿姨",
    "小城故事多",
]

PLACES = [
    "浙江杭州",
    "浙江宁波",
    "浙江绍兴",
    "浙江温州",
    "上海",
    "江苏苏州",
    "浙江金华",
    "浙江湖州",
]


def rng(seed: str) -> random.Random:
    return random.Random(seed)


def pick_headlines(seed: str, n: int, exclude: str = "") -> list[str]:
    pool = [h for h in HEADLINES if h != exclude]
    return rng(seed).sample(pool, n)


def comments(seed: str, n: int, base: datetime) -> list[tuple[str, str, str, str, int]]:
    """n (nick, place, time, text, likes) tuples; times after ``base``."""
    r = rng(seed)
    out = []
    minutes = 0
    for _ in range(n):
        minutes += r.randint(3, 95)
        t = base.replace(second=0)
        total = t.hour * 60 + t.minute + minutes
        day = t.day + total // 1440
        hh, mm = divmod(total % 1440, 60)
        stamp = f"{t.year}-{t.month:02d}-{day:02d} {hh:02d}:{mm:02d}"
        text = r.choice(COMMENTS)
        if r.random() < 0.5:
            text += r.choice(COMMENTS)
        out.append((r.choice(NICKS), r.choice(PLACES), stamp, text, r.randint(0, 480)))
    return out


def icp(seed: str) -> str:
    r = rng(seed)
    return f"浙ICP备{r.randint(10000000, 99999999)}号-{r.randint(1, 5)}"


def police(seed: str) -> str:
    r = rng(seed + "police")
    return f"浙公网安备 {r.randint(33010000000000, 33109999999999)}号"


# --- writing ------------------------------------------------------------------------------


def write_page(root: Path, url: str, html: str, encoding: str = "utf-8") -> Path:
    split = urlsplit(url)
    path = split.path
    if path.endswith("/"):
        path += "index.html"
    target = root / "sites" / split.hostname / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(html.encode(encoding))
    return target


def write_expected(
    root: Path, a: Art, encoding: str, body: list[str] | None = None, name: str | None = None
) -> None:
    data = a.expected(encoding)
    if body is not None:
        data["body"] = body
    name = name or Path(a.path.rstrip("/")).stem
    target = root / "expected" / a.host / f"{name}.json"
    assert not target.exists(), f"two articles named {target}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_routes(root: Path, host: str, text: str) -> None:
    target = root / "sites" / host / "routes.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.strip() + "\n", encoding="utf-8")


LISTS: list[dict] = []


def register_list(
    url: str, next_url: str | None, articles: list[str], pattern: str, holdout: bool = False
) -> None:
    LISTS.append(
        {
            "url": url,
            "next": next_url,
            "articles": articles,
            "article_pattern": pattern,
            "holdout": holdout,
        }
    )
