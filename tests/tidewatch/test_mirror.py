"""tidewatch.mirror: replica answers (files, routes, ETags, signatures) and its HTTP server."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from crawler.signing import zjol_signature
from tidewatch.mirror import Mirror, MirrorServer

REPLICA = Path(__file__).parent.parent / "replica"
XSNET = "www.xsnet.cn"
ARTICLE = "/news/szjj/2019_1/3025295.shtml"
DETAIL = "/api/article/detail"
SALT = "replica-test-salt"


@pytest.fixture(scope="module")
def mirror() -> Mirror:
    return Mirror(REPLICA)


def signed_headers(path: str, salt: str = SALT) -> dict[str, str]:
    session, request, timestamp = "session-1", "request-1", "1741490421000"
    return {
        "X-SESSION-ID": session,
        "X-REQUEST-ID": request,
        "X-TIMESTAMP": timestamp,
        "X-SIGNATURE": zjol_signature(path, session, request, timestamp, salt),
    }


# -- static files ----------------------------------------------------------------------------


def test_static_page_is_served_with_its_bytes(mirror: Mirror) -> None:
    answer = mirror.answer(XSNET, ARTICLE)
    assert answer.status == 200
    assert answer.body == (REPLICA / XSNET / ARTICLE.lstrip("/")).read_bytes()
    assert answer.headers["Content-Length"] == str(len(answer.body))


def test_static_page_has_a_quoted_etag(mirror: Mirror) -> None:
    etag = mirror.answer(XSNET, ARTICLE).headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert etag == mirror.answer(XSNET, ARTICLE).headers["ETag"]  # stable
    assert etag != mirror.answer(XSNET, "/news/szjj/2019_1/3025263.shtml").headers["ETag"]


@pytest.mark.parametrize(
    ("host", "target", "content_type"),
    [
        (XSNET, ARTICLE, "text/html"),  # host default: no charset
        ("tidenews.com.cn", "/news.html?id=3041187", "text/html; charset=utf-8"),
        (XSNET, "/uploadfile/2019/0116/20190116075721601.jpg", "image/jpeg"),
        ("app-api.zjol.com.cn", f"{DETAIL}?id=3041187", "application/json; charset=utf-8"),
    ],
)
def test_content_type(mirror: Mirror, host: str, target: str, content_type: str) -> None:
    assert mirror.answer(host, target).headers["Content-Type"] == content_type


def test_directory_serves_its_index_file(mirror: Mirror) -> None:
    answer = mirror.answer(XSNET, "/news/szjj/")
    assert answer.status == 200
    assert answer.body == (REPLICA / XSNET / "news/szjj/index.shtml").read_bytes()


def test_matching_if_none_match_gives_304(mirror: Mirror) -> None:
    etag = mirror.answer(XSNET, ARTICLE).headers["ETag"]
    answer = mirror.answer(XSNET, ARTICLE, {"If-None-Match": etag})
    assert (answer.status, answer.body, answer.headers) == (304, b"", {"ETag": etag})


def test_stale_if_none_match_gives_the_page(mirror: Mirror) -> None:
    answer = mirror.answer(XSNET, ARTICLE, {"If-None-Match": '"0000000000000000"'})
    assert answer.status == 200
    assert answer.body


# -- routes ----------------------------------------------------------------------------------


def test_query_route_serves_its_file(mirror: Mirror) -> None:
    answer = mirror.answer("tidenews.com.cn", "/news.html?id=3041187")
    assert answer.status == 200
    assert answer.body == (REPLICA / "tidenews.com.cn/news/3041187.html").read_bytes()


def test_query_route_ignores_extra_parameters(mirror: Mirror) -> None:
    plain = mirror.answer("tidenews.com.cn", "/news.html?id=3041187")
    extra = mirror.answer("tidenews.com.cn", "/news.html?from=timeline&id=3041187&x=")
    assert (extra.status, extra.body) == (200, plain.body)


@pytest.mark.parametrize("target", ["/news.html?id=3041190", "/news.html?id=3095412"])
def test_query_route_picks_the_file_of_its_id(mirror: Mirror, target: str) -> None:
    stem = target.rsplit("=", 1)[1]
    body = mirror.answer("tidenews.com.cn", target).body
    assert body == (REPLICA / f"tidenews.com.cn/news/{stem}.html").read_bytes()


@pytest.mark.parametrize("target", ["/news.html?id=999", "/news.html", "/news.html?ID=3041187"])
def test_query_route_without_its_parameters_is_404(mirror: Mirror, target: str) -> None:
    assert mirror.answer("tidenews.com.cn", target).status == 404


def test_missing_file_is_404(mirror: Mirror) -> None:
    answer = mirror.answer(XSNET, "/news/shms/2019_1/3025299.shtml")
    assert (answer.status, answer.body) == (404, b"404 Not Found")


def test_unknown_host_is_404(mirror: Mirror) -> None:
    answer = mirror.answer("www.example.com", ARTICLE)
    assert (answer.status, answer.body) == (404, b"unknown host")


def test_route_status_404(mirror: Mirror) -> None:
    assert mirror.answer("tidenews.com.cn", "/news.html?id=3040001").status == 404


def test_route_status_500(mirror: Mirror) -> None:
    answer = mirror.answer(XSNET, "/news/shms/2019_1/3025300.shtml")
    assert (answer.status, answer.body) == (500, b"500 Internal Server Error")


def test_redirect_route_gives_302_with_location(mirror: Mirror) -> None:
    answer = mirror.answer(XSNET, "/news/shms/2019_1/3025302.shtml")
    assert answer.status == 302
    assert answer.headers["Location"] == "http://www.example.com/elsewhere.shtml"
    assert answer.body == b""


def test_truncate_route_sends_less_than_it_promises(mirror: Mirror) -> None:
    answer = mirror.answer(XSNET, "/news/shms/2019_1/3025301.shtml")
    full = (REPLICA / XSNET / "news/shms/2019_1/3025301.shtml").read_bytes()
    assert answer.status == 200
    assert answer.body == full[:300]
    assert int(answer.headers["Content-Length"]) == len(full) > len(answer.body)
    assert answer.headers["Connection"] == "close"


def test_routes_file_is_not_served(mirror: Mirror) -> None:
    assert mirror.answer(XSNET, "/routes.toml").status == 404


@pytest.mark.parametrize(
    "target",
    [
        "/../tidenews.com.cn/news/3041187.html",
        "/news/../../tidenews.com.cn/news/3041187.html",
        "/../../conftest.py",
        "/../../tests/conftest.py",
    ],
)
def test_path_traversal_is_refused(mirror: Mirror, target: str) -> None:
    assert mirror.answer(XSNET, target).status == 404


@pytest.mark.parametrize(
    ("host", "target"),
    [("..", "/conftest.py"), ("", "/www.xsnet.cn" + ARTICLE), (".", "/www.xsnet.cn" + ARTICLE)],
)
def test_host_cannot_escape_to_the_mirror_root_or_above(
    mirror: Mirror, host: str, target: str
) -> None:
    assert mirror.answer(host, target).status == 404


# -- signed routes ---------------------------------------------------------------------------


def test_signed_route_without_a_salt_needs_no_signature(mirror: Mirror) -> None:
    answer = mirror.answer("app-api.zjol.com.cn", f"{DETAIL}?id=3041187")
    assert json.loads(answer.body)["code"] == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {**signed_headers(DETAIL), "X-SIGNATURE": "0" * 64},
        signed_headers(DETAIL, salt="another-salt"),
        signed_headers("/api/article/channel_list"),  # signed for another path
    ],
    ids=["missing", "garbage", "wrong-salt", "wrong-path"],
)
def test_signed_route_with_a_bad_signature_answers_an_error_envelope(
    headers: dict[str, str],
) -> None:
    answer = Mirror(REPLICA, signing_salt=SALT).answer(
        "app-api.zjol.com.cn", f"{DETAIL}?id=3041187", headers
    )
    envelope = json.loads(answer.body)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert envelope["code"] != 0
    assert envelope["data"] is None


def test_signed_route_with_the_right_signature_answers_the_data() -> None:
    answer = Mirror(REPLICA, signing_salt=SALT).answer(
        "app-api.zjol.com.cn", f"{DETAIL}?id=3041187", signed_headers(DETAIL)
    )
    envelope = json.loads(answer.body)
    assert envelope["code"] == 0
    assert envelope["data"]["article"]["id"] == 3041187


def test_unsigned_routes_ignore_the_salt() -> None:
    answer = Mirror(REPLICA, signing_salt=SALT).answer("tidenews.com.cn", "/news.html?id=3041187")
    assert answer.status == 200


# -- hosts and the HTTP server ---------------------------------------------------------------


def test_hosts_are_the_replica_folders(mirror: Mirror) -> None:
    assert mirror.hosts() == [
        "app-api.zjol.com.cn",
        "tidenews.com.cn",
        "www.xsnet.cn",
        "xsrb.xsnet.cn",
    ]


def test_server_serves_by_host_header_and_logs_the_request() -> None:
    with MirrorServer(REPLICA) as server:
        request = urllib.request.Request(
            f"http://{server.address}{ARTICLE}", headers={"Host": XSNET}
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            status, body = reply.status, reply.read()
        assert server.host_map().startswith("app-api.zjol.com.cn=127.0.0.1:")
    assert status == 200
    assert body == (REPLICA / XSNET / ARTICLE.lstrip("/")).read_bytes()
    assert [(r.host, r.path, r.status) for r in server.requests] == [(XSNET, ARTICLE, 200)]
    assert server.requests[0].headers["Host"] == XSNET
