"""The development corpus as test cases, and character-F1: shared by the bench and the tests.

Standard library and Tidewatch only (no peer extractors), so tests can import it cheaply.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.extract.encoding import decode_bytes
from model.clock import SHANGHAI

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI)  # the corpus is dated before this


@dataclass
class Case:
    name: str  # host/stem
    url: str
    html: str
    expected: dict[str, Any]


def _check_module() -> Any:
    spec = importlib.util.spec_from_file_location("corpus_check", CORPUS / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(root: Path) -> list[Case]:
    """Every expected page of a corpus root, decoded the way Tidewatch decodes a response."""
    check = _check_module()
    cases = []
    for file in sorted((root / "expected").glob("*/*.json")):
        expected = json.loads(file.read_text(encoding="utf-8"))
        page, content_type = check.resolve(root, expected["url"])
        if page is None:
            raise FileNotFoundError(f"{file}: no page for {expected['url']}")
        declared = check.charset_of(b"", content_type)
        html = decode_bytes(page.read_bytes(), declared)
        cases.append(Case(f"{file.parent.name}/{file.stem}", expected["url"], html, expected))
    return cases


def char_f1(predicted: str | None, gold: str) -> float:
    """Character-F1 of two texts as bags of non-space characters."""
    got = Counter(ch for ch in predicted or "" if not ch.isspace())
    want = Counter(ch for ch in gold if not ch.isspace())
    if not got or not want:
        return 1.0 if got == want else 0.0
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)
