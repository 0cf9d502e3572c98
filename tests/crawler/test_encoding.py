"""crawler.extract.encoding.decoded: GBK pages read right when their charset is missing or wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.extract.encoding import choose_encoding, decode_bytes, decoded

TESTS = Path(__file__).parent.parent
XSNET = TESTS / "replica" / "www.xsnet.cn"
PAGES = TESTS / "fixtures" / "pages"
# GBK bytes, no charset anywhere; the broken copy has a lone lead byte 0x81 and a stray 0xFF
GBK_CLEAN = PAGES / "gbk_table_no_charset.html"
GBK_BROKEN = PAGES / "gbk_broken_no_charset.html"
EXPECTED = TESTS / "fixtures" / "expected"


def expected_title(host: str, stem: str) -> str:
    data = json.loads((EXPECTED / host / f"{stem}.json").read_text(encoding="utf-8"))
    return data["title"]


def response(file: Path, content_type: str = "text/html") -> HtmlResponse:
    return HtmlResponse(
        url="http://www.xsnet.cn/" + file.name,
        body=file.read_bytes(),
        headers={"Content-Type": content_type},
    )


@pytest.mark.parametrize(
    ("path", "note", "encoding"),
    [
        # GBK bytes, no charset anywhere: the source's fallback
        ("news/shms/2019_1/3025304.shtml", "fallback:gb18030", "gb18030"),
        # GBK bytes, <meta> claims utf-8: the claim is caught
        (
            "news/shms/2019_1/3025305.shtml",
            "fallback:gb18030 (declared utf-8 is wrong)",
            "gb18030",
        ),
        # GBK bytes declared gb2312: the declaration holds (gb2312 is read as its superset)
        ("news/szjj/2019_1/3025263.shtml", "declared:gb18030", "gb18030"),
        # UTF-8 bytes declared utf-8
        ("news/szjj/2019_1/3025295.shtml", "declared:utf-8", "utf-8"),
    ],
)
def test_xsnet_pages_decode_to_their_title(path: str, note: str, encoding: str) -> None:
    page, how = decoded(response(XSNET / path), "gb18030")
    assert expected_title("www.xsnet.cn", Path(path).stem) in page.text
    assert how == note
    assert page.encoding == encoding


def test_wrong_meta_charset_is_mojibake_before_decoding() -> None:
    original = response(XSNET / "news/shms/2019_1/3025305.shtml")
    assert expected_title("www.xsnet.cn", "3025305") not in original.text


def test_a_redecoded_response_is_a_new_response() -> None:
    original = response(XSNET / "news/shms/2019_1/3025305.shtml")
    page, _ = decoded(original, "gb18030")
    assert page is not original
    assert original.encoding == "utf-8"


def test_a_correctly_declared_response_is_returned_as_it_is() -> None:
    original = response(XSNET / "news/szjj/2019_1/3025295.shtml")
    page, _ = decoded(original, "gb18030")
    assert page is original


def test_undeclared_utf8_is_detected() -> None:
    file = XSNET / "news/szjj/2019_1/3025295.shtml"
    meta = b'<meta charset="utf-8" />'
    assert meta in file.read_bytes()
    undeclared = response(file).replace(body=file.read_bytes().replace(meta, b""))
    page, how = decoded(undeclared, "gb18030")
    assert how == "detected:utf-8"
    assert expected_title("www.xsnet.cn", "3025295") in page.text


def test_utf8_page_behind_a_wrong_gbk_header_is_detected() -> None:
    file = XSNET / "news/szjj/2019_1/3025295.shtml"
    page, how = decoded(response(file, "text/html; charset=gbk"), "gb18030")
    assert how == "detected:utf-8 (declared gb18030 is wrong)"
    assert expected_title("www.xsnet.cn", "3025295") in page.text


def test_header_charset_wins_over_meta_charset() -> None:
    file = XSNET / "news/szjj/2019_1/3025263.shtml"  # GBK, <meta> says gb2312
    page, how = decoded(response(file, "text/html; charset=GBK"), None)
    assert how == "declared:gb18030"
    assert expected_title("www.xsnet.cn", "3025263") in page.text


def test_gbk_page_without_declaration_or_fallback_is_detected_as_gb18030() -> None:
    page, how = decoded(response(XSNET / "news/shms/2019_1/3025304.shtml"), None)
    assert how == "detected:gb18030"
    assert expected_title("www.xsnet.cn", "3025304") in page.text


def test_bytes_in_no_encoding_are_lossy() -> None:
    garbage = HtmlResponse(
        url="http://www.xsnet.cn/broken.shtml",
        body=bytes([0x81, 0xFF, 0xFE, 0x80, 0x41, 0xC3]),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    page, how = decoded(garbage, None)
    assert how.startswith("lossy:")
    assert page is garbage


def test_utf8_bytes_sent_with_a_gbk_label_are_read_as_utf8() -> None:
    body = "<html><head><title>钱塘新区</title></head><body>数字经济</body></html>".encode()
    response = HtmlResponse(
        url="http://www.xsnet.cn/x.shtml",
        body=body,
        headers={"Content-Type": "text/html; charset=gbk"},
    )
    page, note = decoded(response, "gb18030")
    assert "钱塘新区" in page.text
    assert note == "detected:utf-8 (declared gb18030 is wrong)"  # w3lib names GBK so


def _cjk_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u4e00" <= ch <= "\u9fff" for ch in letters) / len(letters)


@pytest.mark.parametrize(
    "content_type", ["text/html", "text/html; charset=utf-8", "text/html; charset=iso-8859-1"]
)
@pytest.mark.parametrize("fallback", [None, "gb18030"])
def test_gbk_with_broken_bytes_decodes_as_gb18030_with_replacement(
    content_type: str, fallback: str | None
) -> None:
    page, how = decoded(response(GBK_BROKEN, content_type), fallback)
    assert page.encoding == "gb18030"
    assert how.startswith("lossy:gb18030 (2 broken characters replaced)")
    assert page.text.count("\ufffd") == 2  # the two broken bytes, nothing else
    assert "湘湖景区春季游客量创新高" in page.text
    assert "湿地栈道" in page.text and "志愿者" in page.text
    assert _cjk_share(page.text) > 0.5  # Chinese, not a page of Cyrillic or Latin mojibake


def test_gbk_under_a_default_latin1_header_is_read_as_gbk() -> None:
    page, how = decoded(response(GBK_CLEAN, "text/html; charset=iso-8859-1"), None)
    assert how == "detected:gb18030 (declared cp1252 is wrong)"
    assert "湘湖景区春季游客量创新高" in page.text


def test_decode_bytes_of_a_broken_gbk_file() -> None:
    text = decode_bytes(GBK_BROKEN.read_bytes())
    assert text.count("\ufffd") == 2
    assert "发布时间：2023年4月6日 10:32" in text


def test_a_few_garbage_bytes_keep_the_declared_charset() -> None:
    encoding, how = choose_encoding(bytes([0x81, 0xFF, 0x41]), "utf-8", None)
    assert encoding == "utf-8"
    assert how.startswith("lossy:utf-8")


def test_ascii_page_keeps_its_single_byte_label() -> None:
    assert choose_encoding(b"<html>plain</html>", "iso-8859-1", None) == (
        "cp1252",
        "declared:cp1252",
    )
