"""Subscribers and their rules, from a TOML file (``alerts/subscribers.toml`` by default).

    [[subscriber]]
    email = "newsroom@example.com"
    name = "萧山新闻编辑部"
    rules = ["钱塘 -钱塘江", "数字经济", {rule = "新型工业化 OR 先进制造业", label = "制造业"}]
    sources = ["xsnet", "tidenews"]                     # default: every source
    frequency = "daily 08:00"  # immediate | hourly | daily HH:MM | weekly DAY HH:MM (Shanghai)
    language = "zh"            # zh (default) | en

A rule is the search syntax of store/query.py, or a table ``{rule = "…", label = "…"}`` whose
label names it in subjects and headings (otherwise its positive terms do: ``钱塘 -钱塘江`` is
「钱塘」). A bad entry — control characters included, since a CR or LF in a name or rule would
end up in a mail header — fails at load time with the file, the line and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from model.clock import SHANGHAI
from store.query import Query, QueryError, parse
from tidewatch.tomlfile import FileError, line_of, load_model, read_toml

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_LABEL = 40

WEEKDAYS = {
    **{day: n for n, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{day: n for n, day in enumerate(("周一", "周二", "周三", "周四", "周五", "周六", "周日"))},
}


@dataclass(frozen=True)
class Frequency:
    kind: Literal["immediate", "hourly", "daily", "weekly"]
    at: time | None = None
    weekday: int | None = None

    def latest_slot(self, now: datetime) -> datetime:
        """The most recent moment at or before ``now`` when a digest fell due (Shanghai time)."""
        now = now.astimezone(SHANGHAI)
        if self.kind == "immediate":
            return now
        if self.kind == "hourly":
            return now.replace(minute=0, second=0, microsecond=0)
        slot = now.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        if self.kind == "weekly":
            slot -= timedelta(days=(now.weekday() - self.weekday) % 7)
        step = timedelta(days=7 if self.kind == "weekly" else 1)
        return slot - step if slot > now else slot


def parse_frequency(text: str) -> Frequency:
    words = text.strip().lower().split()
    if words in (["immediate"], ["hourly"]):
        return Frequency(words[0])  # type: ignore[arg-type]
    if len(words) == 2 and words[0] == "daily":
        return Frequency("daily", _clock(words[1]))
    if len(words) == 3 and words[0] == "weekly":
        if words[1] not in WEEKDAYS:
            raise ValueError(f"unknown day {words[1]!r}; use mon … sun")
        return Frequency("weekly", _clock(words[2]), WEEKDAYS[words[1]])
    raise ValueError(
        f"frequency {text!r} must be immediate, hourly, 'daily HH:MM' or 'weekly DAY HH:MM'"
    )


def _clock(text: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"bad time {text!r}; use HH:MM, 00:00 to 23:59")
    return time(int(match[1]), int(match[2]))


class Subscriber(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str
    name: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)  # rule → label, from rule tables
    rules: list[str] = Field(min_length=1)
    sources: list[str] | None = None  # None: every source
    frequency: str = "daily 08:00"
    language: Literal["zh", "en"] = "zh"

    @model_validator(mode="before")
    @classmethod
    def _rule_tables(cls, data: object) -> object:
        """``{rule = "…", label = "…"}`` entries become a rule and a label."""
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            return data
        rules, labels = [], dict(data.get("labels") or {})
        for entry in data["rules"]:
            if isinstance(entry, dict):
                if set(entry) - {"rule", "label"} or not isinstance(entry.get("rule"), str):
                    raise ValueError(
                        f"rule {entry!r} must be a string or a table {{rule = …, label = …}}"
                    )
                if "label" in entry:
                    labels[entry["rule"]] = entry["label"]
                entry = entry["rule"]
            rules.append(entry)
        return {**data, "rules": rules, "labels": labels}

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _no_controls("name", value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        _no_controls("email", value)
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as e:
            raise ValueError(f"invalid email {value!r}: {e}") from None

    @field_validator("rules")
    @classmethod
    def _rules(cls, rules: list[str], info: ValidationInfo) -> list[str]:
        if twice := sorted({r for r in rules if rules.count(r) > 1}):
            raise ValueError(f"rule {twice[0]!r} is listed twice")
        for rule in rules:
            _no_controls("rule", rule)
            try:
                parse(rule)
            except QueryError as e:
                raise ValueError(f"rule {rule!r}: {e}") from None
        for rule, label in info.data.get("labels", {}).items():
            if rule not in rules:
                raise ValueError(f"label {label!r} is for {rule!r}, which is not a rule")
            _no_controls("label", label)
            if not label.strip() or len(label) > MAX_LABEL:
                raise ValueError(f"label {label!r} must be 1 to {MAX_LABEL} characters")
        return rules

    @field_validator("labels")
    @classmethod
    def _labels(cls, labels: dict[str, str]) -> dict[str, str]:
        return {rule: label.strip() for rule, label in labels.items()}

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, sources: list[str] | None, info: ValidationInfo) -> list[str] | None:
        known = (info.context or {}).get("sources")
        unknown = [s for s in sources or [] if known is not None and s not in known]
        if unknown:
            raise ValueError(f"unknown source(s) {unknown}; known: {sorted(known)}")
        return sources

    @field_validator("frequency")
    @classmethod
    def _frequency(cls, value: str) -> str:
        parse_frequency(value)
        return value

    @property
    def schedule(self) -> Frequency:
        return parse_frequency(self.frequency)

    def label(self, rule: str) -> str:
        """The rule's readable name: its label, else its positive terms (never its syntax)."""
        if rule in self.labels:
            return self.labels[rule]
        terms = list(dict.fromkeys(term.raw for term in parse(rule).terms))
        return " / ".join(terms) if terms else rule

    def queries(self) -> list[tuple[str, Query]]:
        return [(rule, parse(rule)) for rule in self.rules]

    def wants(self, source: str) -> bool:
        return self.sources is None or source in self.sources


def _no_controls(what: str, value: str) -> str:
    if found := CONTROL.search(value):
        raise ValueError(
            f"{what} {value!r} contains a control character (U+{ord(found[0]):04X}); "
            "names, addresses, labels and rules must be one line of printable text"
        )
    return value


class Subscriptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subscriber: list[Subscriber] = Field(default_factory=list)


def load_subscribers(path: Path, known_sources: set[str] | None = None) -> list[Subscriber]:
    """Every subscriber in ``path``; raises tidewatch.tomlfile.FileError naming the place."""
    subscribers = load_model(path, Subscriptions, context={"sources": known_sources}).subscriber
    seen: set[str] = set()
    for index, subscriber in enumerate(subscribers):
        if subscriber.email in seen:
            _, text = read_toml(path)
            line = line_of(text, ("subscriber", str(index), "email"))
            raise FileError(
                f"{path}, line {line}, subscriber.{index}.email: "
                f"{subscriber.email} is subscribed twice"
            )
        seen.add(subscriber.email)
    return subscribers
