"""Tidewatch's one configuration: an optional TOML file, overridden by TIDEWATCH_* variables.

Every key, its variable and its default is listed in the README. Values are validated when
loaded; a bad one fails at start-up naming the variable (or file and key) and the problem.
"""

from __future__ import annotations

import os
import tomllib
from email.utils import parseaddr
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Asia/Shanghai"


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message names where it came from."""


class SourceOverride(BaseModel):
    """Per-source changes to a seeds file's schedule, from the configuration file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    interval_minutes: float | None = Field(None, gt=0)
    cron: str | None = None
    jitter_seconds: int | None = Field(None, ge=0)


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    data_dir: Path = Field(Path("data"), description="where the SQLite store and outbox live")
    seeds_dir: Path = Field(REPO_ROOT / "seeds", description="folder of source definitions")
    host_map: dict[str, str] = Field(
        default_factory=dict,
        description="host=address[,…]: fetch a source host from another address (mirrors)",
    )
    download_delay: float | None = Field(
        None, ge=0, description="override every source's politeness delay, in seconds"
    )
    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING or ERROR")

    subscribers_file: Path = Field(REPO_ROOT / "alerts" / "subscribers.toml")
    public_url: str = Field("http://127.0.0.1:8080", pattern=r"^https?://[^/\s]+(/\S*)?$")
    web_listen: str = Field("127.0.0.1:8080", pattern=r"^[^\s:]+:\d{1,5}$")
    # default: Tidewatch <tidewatch@HOST> with HOST from public_url; see alerts/mail.py
    mail_from: str | None = Field(None, validate_default=True)
    backfill_days: int = Field(3, ge=1)  # a new subscriber's first digest: this many days back
    smtp_host: str | None = None
    smtp_port: int | None = Field(None, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: Path | None = None  # extra CA bundle to trust (a private mail relay)
    smtp_timeout: float = Field(30.0, gt=0)
    smtp_attempts: int = Field(4, ge=1, le=20)
    smtp_backoff: float = Field(2.0, ge=0)
    unsubscribe_secret: SecretStr | None = None  # strong (see weak_secret), or generated
    web_token: SecretStr | None = None  # required when web_listen is not a loopback address
    web_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the web UI answers besides loopback, the bind address and "
        "public_url's host (DNS rebinding)",
    )
    web_threads: int = Field(8, ge=1, le=64)
    web_connection_limit: int = Field(100, ge=4, le=10_000)
    web_idle_timeout: float = Field(30.0, gt=0, le=3600)  # a quiet connection is closed
    web_request_timeout: float = Field(20.0, gt=0, le=3600)  # a request must arrive in this

    es_url: str | None = Field(None, pattern=r"^https?://\S+$")  # unset: the SQLite store
    es_index: str = Field("tidewatch-articles", pattern=r"^[a-z0-9][a-z0-9_-]*$")
    es_user: str | None = None
    es_password: SecretStr | None = None
    es_api_key: SecretStr | None = None
    es_ca_file: Path | None = None
    es_batch_size: int = Field(200, ge=1, le=10_000)

    sources: dict[str, SourceOverride] = Field(default_factory=dict)
    operator_email: str | None = None
    shutdown_grace: float = Field(20.0, gt=0)
    backoff_max_minutes: float = Field(360.0, gt=0)

    @field_validator("host_map", mode="before")
    @classmethod
    def _parse_host_map(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_host_map(value)
        if isinstance(value, dict):  # a [host_map] table in the file
            return {str(host).strip().lower(): address for host, address in value.items()}
        return value

    @field_validator("web_allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):  # TIDEWATCH_WEB_ALLOWED_HOSTS=a.example,b.example
            value = value.split(",")
        if isinstance(value, list):
            return [str(host).strip().lower() for host in value if str(host).strip()]
        return value

    @field_validator("unsubscribe_secret", "web_token")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (reason := weak_secret(value.get_secret_value())):
            raise ValueError(f"{reason}; generate one with {GENERATE_SECRET}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str | None, info: ValidationInfo) -> str:
        """One address, one line; derived from public_url's host when not given."""
        if value is None:
            host = urlsplit(info.data.get("public_url") or "http://localhost").hostname or ""
            named = "." in host and not _is_ip(host)
            return f"Tidewatch <tidewatch@{host if named else 'localhost'}>"
        _, address = parseaddr(value)
        if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value) or "@" not in address:
            raise ValueError(f"{value!r} is not one address such as 'Tidewatch <news@example.com>'")
        return value.strip()

    @property
    def store_path(self) -> Path:
        return self.data_dir / "tidewatch.sqlite3"

    @property
    def spool_dir(self) -> Path:
        """Articles waiting for an unreachable Elasticsearch."""
        return self.data_dir / "spool"

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "alerts.sqlite3"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def smtp_port_or_default(self) -> int:
        return self.smtp_port or {"starttls": 587, "tls": 465, "none": 25}[self.smtp_security]


MIN_SECRET_BYTES = 32
GENERATE_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
# Words of placeholders copied from examples and templates instead of a real secret.
PLACEHOLDER_WORDS = ("changeme", "replaceme", "placeholder", "example", "yoursecret", "yourtoken")


def weak_secret(value: str) -> str | None:
    """Why ``value`` is too weak to sign links or guard the UI, or None if it will do.

    An HMAC key or bearer token that is short, made of a few repeated characters or
    copied from an example can be guessed or recovered offline from one signed link."""
    size = len(value.encode())
    if size < MIN_SECRET_BYTES:
        return f"is {size} bytes long, at least {MIN_SECRET_BYTES} are needed"
    if len(set(value)) < 8:
        return "repeats too few characters to be a random secret"
    folded = "".join(ch for ch in value.lower() if ch.isalnum())
    if any(word in folded for word in PLACEHOLDER_WORDS):
        return "looks like a placeholder, not a random secret"
    return None


ENV_PREFIX = "TIDEWATCH_"
SECRETS = ("smtp_password", "unsubscribe_secret", "es_password", "es_api_key", "web_token")
FILE_ONLY = ("sources",)  # tables: only a configuration file can hold them


def _is_ip(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


def parse_host_map(text: str) -> dict[str, str]:
    """``a.com=127.0.0.1:8001,b.cn=127.0.0.1:8002`` → {host: address}."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        host, sep, address = item.partition("=")
        if not sep or not host.strip() or not address.strip():
            raise ValueError(f"{item!r} is not host=address")
        mapping[host.strip().lower()] = address.strip()
    return mapping


def load_config(environ: dict[str, str] | None = None) -> Config:
    """Read ``TIDEWATCH_CONFIG`` (a TOML file, optional), then ``TIDEWATCH_*`` variables."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if path := environ.get(ENV_PREFIX + "CONFIG"):
        values, origin = _read_file(Path(path))
    for key in Config.model_fields.keys() - set(FILE_ONLY):
        var = ENV_PREFIX + key.upper()
        if var in environ:
            values[key] = environ[var] if environ[var] != "" else None
            origin[key] = var
    values = {k: v for k, v in values.items() if v is not None}
    try:
        return Config(**values)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            key = str(e["loc"][0]) if e["loc"] else "?"
            where = origin.get(key, key)
            problems.append(f"{where}: {e['msg'].removeprefix('Value error, ')}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None


def _read_file(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from None
    unknown = set(data) - set(Config.model_fields)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in SECRETS:
        if key in data:
            variable = ENV_PREFIX + key.upper()
            raise ConfigError(f"{path}: {key} is a secret: set {variable} in the environment")
    return data, {k: f"{path} [{k}]" for k in data}
