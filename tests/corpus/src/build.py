"""Write the corpus pages and expected-field files from the site modules (run once, commit)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import common

MODULES = ["sites_table", "sites_cms", "sites_modern", "sites_text", "sites_gov", "holdout"]


def main() -> None:
    for sub in ("sites", "expected", "holdout/sites", "holdout/expected"):
        shutil.rmtree(common.CORPUS / sub, ignore_errors=True)
    for name in MODULES:
        try:
            module = __import__(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        module.build()
    (common.CORPUS / "lists.json").write_text(
        json.dumps(common.LISTS, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
