"""TOML files validated by pydantic models; errors name the file, the line and the field.

seeds/xsnet.toml, line 18, politeness.download_delay: Input should be >= 0
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

_ARRAY_TABLE = re.compile(r"\[\[\s*([^\]]+?)\s*\]\]\s*(?:#.*)?")
_TABLE = re.compile(r"\[\s*([^\]]+?)\s*\]\s*(?:#.*)?")
_KEY = re.compile(r"""["']?([A-Za-z0-9_-]+)["']?\s*=""")


class FileError(ValueError):
    """A file that cannot be used: every problem with its place."""


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileError(f"{path}: file not found") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        raise FileError(f"{path}: {e}") from None


def load_model(path: Path, model: type[M], context: dict[str, Any] | None = None) -> M:
    data, text = read_toml(path)
    try:
        return model.model_validate(data, context=context)
    except ValidationError as err:
        raise FileError("\n".join(describe(path, text, e) for e in err.errors())) from None


def describe(path: Path, text: str, error: dict[str, Any]) -> str:
    loc = tuple(str(part) for part in error["loc"])
    where = ".".join(loc) or "(file)"
    message = error["msg"].removeprefix("Value error, ")
    return f"{path}, line {line_of(text, loc)}, {where}: {message}"


def line_of(text: str, loc: tuple[str, ...]) -> int:
    """The line that best matches a field path: its key, else its table, else line 1.

    ``("subscriber", "2", "email")`` is the ``email`` key of the third ``[[subscriber]]``.
    """
    best, best_depth = 1, 0
    current: tuple[str, ...] = ()
    seen: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if match := _ARRAY_TABLE.fullmatch(stripped):
            name = tuple(match.group(1).split("."))
            seen[name] = seen.get(name, -1) + 1
            path = current = (*name, str(seen[name]))
        elif match := _TABLE.fullmatch(stripped):
            path = current = tuple(match.group(1).split("."))
        elif match := _KEY.match(stripped):
            path = (*current, match.group(1))
        else:
            continue
        if loc[: len(path)] == path and len(path) > best_depth:
            best, best_depth = number, len(path)
    return best
