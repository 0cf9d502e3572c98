"""Bylines: 记者 (reporters) and 通讯员 (correspondents) kept apart.

潮新闻客户端 记者 金檬 谢春晖 通讯员 彭仲莉  → authors [金檬, 谢春晖], contributors [彭仲莉]
作者：记者 洪凯                                → authors [洪凯]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ROLE = re.compile(r"(见习记者|实习记者|首席记者|记者|通讯员|实习生|作者)")
_CONTRIBUTOR_ROLES = {"通讯员", "实习生"}
_SPLIT = re.compile(r"[\s、，,/|]+")
# A paragraph that is only a byline: an optional outlet, then roles each followed by names.
_NAME = r"(?:[\u4e00-\u9fff]{2,5}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,8})"  # 阿卜杜·热西提
_NAMES = rf"(?:{_NAME}(?:[\s、，,]+|$))+"
_BYLINE_LINE = re.compile(
    rf"^\S{{0,12}}?\s*(?:(?:见习记者|实习记者|首席记者|记者|通讯员|实习生)\s*{_NAMES})+$"
)


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.authors or self.contributors)


def parse_byline(text: str) -> Byline:
    byline = Byline()
    parts = _ROLE.split(text)
    # parts: [prefix, role, names, role, names, …]; the prefix (outlet name) is not a person
    for role, names in zip(parts[1::2], parts[2::2], strict=True):
        target = byline.contributors if role in _CONTRIBUTOR_ROLES else byline.authors
        for name in _SPLIT.split(names.strip(" ：:")):
            if name and name not in target:
                target.append(name)
    return byline


def is_byline_paragraph(line: str) -> bool:
    return len(line) <= 60 and bool(_BYLINE_LINE.match(line))
