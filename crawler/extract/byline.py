"""Bylines: 记者 (reporters) and 通讯员 (correspondents) kept apart, photographers left out.

潮新闻客户端 记者 金檬 谢春晖 通讯员 彭仲莉  → authors [金檬, 谢春晖], contributors [彭仲莉]
作者：记者 洪凯                                → authors [洪凯]
本报讯（记者 张三 通讯员 李四）1月16日上午…   → authors [张三], contributors [李四]
记者 董怡 摄                                   → nobody: a photo credit, not a byline
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ROLE = re.compile(r"(见习记者|实习记者|首席记者|记者|通讯员|实习生|作者)")
_CONTRIBUTOR_ROLES = {"通讯员", "实习生", "特约通讯员"}
_SPLIT = re.compile(r"[\s、，,/|]+")
# A paragraph that is only a byline: an optional outlet, then roles each followed by names.
_NAME = r"(?:[\u4e00-\u9fff]{2,5}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8})"  # 阿卜杜·热西提
_NAMES = rf"(?:{_NAME}(?:[\s、，,]+|$))+"
_BYLINE_LINE = re.compile(
    rf"^\S{{0,12}}?\s*(?:(?:见习记者|实习记者|首席记者|记者|通讯员|实习生)\s*{_NAMES})+$"
)
# 记者 董怡 摄 (a credit), but not 摄影 李四 (a label before the next person)
_PHOTO_AFTER = re.compile(
    r"^\s*(?:摄影?|拍摄|/摄|图)(?![\u4e00-\u9fff])(?!\s*[:：/]?\s*[\u4e00-\u9fff])"
)

# The common single and compound surnames: a word after 记者 that starts with none of them
# (记者了解到, 记者从…获悉) is not a name.
_COMPOUND_SURNAMES = [
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
    "南宫",
    "西门",
    "独孤",
    "轩辕",
    "呼延",
    "申屠",
    "太史",
    "万俟",
    "闻人",
    "赫连",
    "澹台",
    "公冶",
    "宗政",
    "濮阳",
    "淳于",
    "单于",
    "百里",
    "东郭",
    "钟离",
]
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左"
    "柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈"
    "饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵"
    "苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南"
    "班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿"
    "国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯"
    "隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    "郦晨储瞿钮缑綦洪傅阎丘俞蔚岳竺鄂蹇郏弓宦宓冒殳寿"
)
# Characters that do not occur in names but do in the words after 记者 (了解到, 获悉, 说).
_NOT_IN_NAMES = frozenset(
    "了的在从对到获悉是说这那有为把被将也都就而或等们个年月日时今昨前后内外看问答采访表示介绍报道发现注意"
)


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.authors or self.contributors)

    def merge(self, other: Byline) -> None:
        for name in other.authors:
            if name not in self.authors:
                self.authors.append(name)
        for name in other.contributors:
            if name not in self.contributors:
                self.contributors.append(name)


def parse_byline(text: str) -> Byline:
    """The people of a text that is only a byline (a byline element, a byline paragraph)."""
    byline = Byline()
    parts = _ROLE.split(text)
    # parts: [prefix, role, names, role, names, …]; the prefix (outlet name) is not a person
    for role, names in zip(parts[1::2], parts[2::2], strict=True):
        target = byline.contributors if role in _CONTRIBUTOR_ROLES else byline.authors
        tokens = [t for t in _SPLIT.split(names.strip(" ：:")) if t]
        people: list[str] = []
        skip_next = False
        for token in tokens:
            if skip_next:  # the name after 摄影 / 图 is a photographer's
                skip_next = False
            elif token in ("摄", "拍摄", "/摄"):
                people = []  # 记者 董怡 摄: the names before were photo credits
            elif token.rstrip("：:") in ("摄影", "图", "摄影记者"):
                skip_next = True
            elif not token.endswith("摄"):
                people.append(token)
        for name in people:
            if name not in target:
                target.append(name)
    return byline


def is_byline_paragraph(line: str) -> bool:
    return len(line) <= 60 and bool(_BYLINE_LINE.match(line))


# -- bylines inside running text ---------------------------------------------------------------

_PERSON_ROLE = (
    r"(?P<role>特约通讯员|见习记者|实习记者|首席记者|特约记者|全媒体记者|融媒体记者|"
    r"摄影记者|记者|通讯员|实习生)"
)
_CJK_NAME = r"(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8})"
# A name ends at a separator, a bracket, punctuation, another role, or a credit word.
_NAME_END = (
    r"(?=$|[\s、，,。；;：:|/（）()【】\[\]]|摄|报道|编辑|责编|记者|通讯员|实习生|文图|图文|文/|"
    r"\d|[a-zA-Z])"
)
_NOT_A_ROLE = r"(?!特约|见习|实习|首席|摄影|记者|通讯员|编辑|责编|[\u4e00-\u9fff]{1,4}\s*[:：])"
_PEOPLE = re.compile(
    _PERSON_ROLE
    + r"\s*[:：/|｜丨]?\s*(?P<names>"
    + _CJK_NAME
    + _NAME_END
    + r"(?:[\s、，,和及与/|]*"
    + _NOT_A_ROLE
    + _CJK_NAME
    + _NAME_END
    + r")*)"
)
_AUTHOR_LABEL = re.compile(
    r"(?:作者\s*[:：|｜丨]|作者\s+|文\s*[/｜|丨]|(?:撰文|撰稿|采写|文字)\s*[:：/|｜丨]?)\s*(?P<names>"
    + _CJK_NAME
    + _NAME_END
    + r"(?:[\s、，,和及与]+(?![\u4e00-\u9fff]{1,4}\s*[:：])"  # 字号：… is the next label
    + _CJK_NAME
    + _NAME_END
    + r")*)"
)
_NAME_TOKENS = re.compile(r"[\s、，,和及与/|]+")


_LABEL_WORDS = frozenset(
    [
        "浏览",
        "点击",
        "阅读",
        "来源",
        "编辑",
        "字号",
        "时间",
        "日期",
        "发布",
        "分享",
        "打印",
        "关闭",
        "评论",
        "收藏",
        "责编",
        "审核",
        "校对",
        "摄影",
        "图片",
    ]
)


# what CMSs print when nobody is named (DedeCMS: 作者：未知)
_PLACEHOLDERS = frozenset(
    ["未知", "佚名", "不详", "匿名", "管理员", "小编", "本站", "网络", "网友", "admin"]
)


def is_placeholder(name: str) -> bool:
    return name.lower() in _PLACEHOLDERS


def is_person_name(token: str, *, labelled: bool = False) -> bool:
    """A plausible Chinese name: a known surname (or a dotted minority name), 2–4 characters.

    After an explicit label (作者：) any short word without non-name characters will do.
    """
    if "·" in token:
        return True
    if token in _LABEL_WORDS or token[:2] in _LABEL_WORDS or token in _PLACEHOLDERS:
        return False
    if not 2 <= len(token) <= 4 or any(ch in _NOT_IN_NAMES for ch in token[1:]):
        return False
    if token[0] in _NOT_IN_NAMES and token[0] not in _SURNAMES:
        return False  # 记者 了解… / 记者 在…
    if token[:2] in _COMPOUND_SURNAMES:
        return True
    return len(token) <= 3 and (labelled or token[0] in _SURNAMES)


def find_byline(text: str, *, labels: bool = True) -> Byline:
    """Reporters and correspondents named anywhere in ``text`` by their role.

    ``（记者 张三 通讯员 李四）``, ``本报记者 张三``, ``钱江晚报·潮新闻记者 张三``,
    ``作者：张三`` (with ``labels``). Words that are not names (记者了解到) and photo credits
    (记者 董怡 摄, 摄影记者 王五) are left out.
    """
    byline = Byline()
    for match in _PEOPLE.finditer(text):
        role = match["role"]
        # 记者 张三 / 记者：张三 set the name apart, so an unlisted surname will do
        spaced = match.start("names") > match.end("role")
        names = _names(match["names"], labelled=spaced)
        after = text[match.end() :]
        if role == "摄影记者" or _PHOTO_AFTER.match(after):
            continue
        target = byline.contributors if role in _CONTRIBUTOR_ROLES else byline.authors
        for name in names:
            if name not in target:
                target.append(name)
    if labels and not byline.authors:
        for match in _AUTHOR_LABEL.finditer(text):
            if _PHOTO_AFTER.match(text[match.end() :]):
                continue
            byline.merge(Byline(_names(match["names"], labelled=True), []))
    return byline


def _names(run: str, *, labelled: bool = False) -> list[str]:
    names = []
    for token in _NAME_TOKENS.split(run):
        token = token.strip()
        token = re.sub(r"(?:报道|摄)$", "", token)
        if not token:
            continue
        if not is_person_name(token, labelled=labelled):
            break  # the names end where the first non-name starts
        names.append(token)
    return names
