"""crawler.extract.byline: reporters (记者) and contributors (通讯员, 实习生) kept apart."""

from __future__ import annotations

import pytest

from crawler.extract.byline import Byline, find_byline, is_byline_paragraph, parse_byline


@pytest.mark.parametrize(
    ("text", "authors", "contributors"),
    [
        # the two cases of the module docstring
        ("潮新闻客户端 记者 金檬 谢春晖 通讯员 彭仲莉", ["金檬", "谢春晖"], ["彭仲莉"]),
        ("作者：记者 洪凯", ["洪凯"], []),
        # an outlet glued to the role is not a person
        ("浙江日报记者 张三", ["张三"], []),
        ("萧山日报记者 李维维 通讯员 韩静", ["李维维"], ["韩静"]),
        # every role
        ("首席记者 王五", ["王五"], []),
        ("见习记者 赵六", ["赵六"], []),
        ("实习记者 孙八", ["孙八"], []),
        ("记者 张三 实习生 李四", ["张三"], ["李四"]),
        ("作者：洪凯", ["洪凯"], []),
        # roles in another order, or repeated
        ("通讯员 彭仲莉 记者 金檬", ["金檬"], ["彭仲莉"]),
        ("记者 金檬 通讯员 彭仲莉 记者 谢春晖", ["金檬", "谢春晖"], ["彭仲莉"]),
        ("通讯员 彭仲莉 实习生 李四", [], ["彭仲莉", "李四"]),
    ],
)
def test_parse_byline_roles(text: str, authors: list[str], contributors: list[str]) -> None:
    assert parse_byline(text) == Byline(authors, contributors)


@pytest.mark.parametrize(
    "text",
    [
        "记者 金檬、谢春晖",
        "记者 金檬，谢春晖",
        "记者 金檬,谢春晖",
        "记者 金檬/谢春晖",
        "记者 金檬 | 谢春晖",
        "记者 金檬\u3000谢春晖",  # ideographic space
        "记者：金檬 谢春晖",  # full-width colon after the role
        "记者:金檬 谢春晖",
    ],
)
def test_names_split_on_chinese_and_latin_separators(text: str) -> None:
    assert parse_byline(text).authors == ["金檬", "谢春晖"]


def test_a_name_is_listed_once() -> None:
    assert parse_byline("潮新闻 记者 金檬 记者 金檬").authors == ["金檬"]


def test_role_words_without_names_give_an_empty_byline() -> None:
    assert parse_byline("作者：") == Byline()


@pytest.mark.parametrize("text", ["", "萧山日报", "1月16日上午，义蓬街道举办招聘会"])
def test_text_without_a_role_gives_a_falsy_byline(text: str) -> None:
    byline = parse_byline(text)
    assert byline == Byline()
    assert not byline


def test_byline_with_only_contributors_is_truthy() -> None:
    assert parse_byline("通讯员 彭仲莉")


@pytest.mark.parametrize(
    "line",
    [
        "潮新闻客户端 记者 金檬 谢春晖 通讯员 彭仲莉",
        "作者：记者 洪凯",
        "浙江日报记者 张三",
        "本报记者 张三",
        "记者 李维维 通讯员 韩静",
        "记者 李维维\u3000通讯员 韩静",
        "通讯员 彭仲莉",
        "见习记者 赵六、钱七",
        "记者 张三 实习生 李四",
    ],
)
def test_is_byline_paragraph_true(line: str) -> None:
    assert is_byline_paragraph(line)


@pytest.mark.parametrize(
    "line",
    [
        "记者从上海市数据局获悉，为进一步提升",
        "1月16日上午，大江东产业集聚区义蓬街道在街道文体中心举办",
        "记者 John Smith",  # names are Chinese characters
        "记者",  # a role with no name
        "萧山日报",
        "",
        "作者：洪凯",  # 作者 alone is a label, not a role of a byline line
        "记者 " + "张三、" * 20 + "李四",  # over 60 characters
    ],
)
def test_is_byline_paragraph_false(line: str) -> None:
    assert not is_byline_paragraph(line)


def test_dotted_minority_names_are_names() -> None:
    line = "记者 阿卜杜·热西提 通讯员 李明"
    assert is_byline_paragraph(line)
    assert parse_byline(line).authors == ["阿卜杜·热西提"]


# -- find_byline: bylines inside running text -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "authors", "contributors"),
    [
        ("本报讯（记者 张三 通讯员 李四）1月16日上午，义蓬街道举办招聘会。", ["张三"], ["李四"]),
        ("（记者 金檬 谢春晖）", ["金檬", "谢春晖"], []),
        ("（通讯员 李四 记者 张三）", ["张三"], ["李四"]),
        ("本报记者 张三 李四", ["张三", "李四"], []),
        ("钱江晚报·潮新闻记者 王小明", ["王小明"], []),
        ("潮新闻客户端 记者 金檬 谢春晖 通讯员 彭仲莉", ["金檬", "谢春晖"], ["彭仲莉"]),
        ("记者张三报道", ["张三"], []),
        ("记者：张三、李四", ["张三", "李四"], []),
        ("记者 泮俊", ["泮俊"], []),  # a rare surname, set apart by a space
        ("作者：洪凯", ["洪凯"], []),
        ("作者 | 张三", ["张三"], []),
        ("文/李明", ["李明"], []),
        ("新华社北京12月3日电（记者 欧阳娜娜）", ["欧阳娜娜"], []),
        ("记者 阿卜杜·热西提", ["阿卜杜·热西提"], []),
        ("作者：龚哲明 字号：大 中 小", ["龚哲明"], []),  # the next label is no name
        ("记者：沈琳 马晓东 浏览：1024", ["沈琳", "马晓东"], []),
        ("记者 张三 文 记者 李四 摄", ["张三"], []),
        ("记者|张三", ["张三"], []),
        ("记者/张三 李四", ["张三", "李四"], []),
        ("撰稿：王五", ["王五"], []),
        ("采写 | 赵六", ["赵六"], []),
    ],
)
def test_find_byline(text: str, authors: list[str], contributors: list[str]) -> None:
    assert find_byline(text) == Byline(authors, contributors)


@pytest.mark.parametrize(
    "text",
    [
        "记者 董怡 摄",  # a photographer
        "摄影记者 王五",
        "富春江上的渔船。记者 方琳 摄",
        "记者了解到，今年以来全区新增企业300家。",
        "记者从上海市数据局获悉",
        "记者 了解到的情况是",
        "本文为潮鸣号作者上传发布，仅代表作者观点。",
        "记者节当天，全市举行表彰活动。",
        "作者：未知",  # a CMS placeholder
        "作者：佚名",
        "作者：admin",
    ],
)
def test_find_byline_finds_nobody(text: str) -> None:
    assert not find_byline(text)


def test_parse_byline_leaves_photographers_out() -> None:
    assert parse_byline("记者 张三 李四 摄") == Byline()  # both took the picture
    assert parse_byline("记者 张三 摄影 李四") == Byline(["张三"], [])
    assert find_byline("记者 张三 摄影 李四") == Byline(["张三"], [])
