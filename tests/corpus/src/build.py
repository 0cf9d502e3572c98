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
    write_manifest()


def write_manifest() -> None:
    """Put the host table and the family counts into the README, between its markers."""
    import manifest

    readme = common.CORPUS / "README.md"
    text = readme.read_text(encoding="utf-8")
    families: dict[str, set] = {}
    counts: dict[str, int] = {}
    for f in sorted((common.CORPUS / "expected").glob("*/*.json")):
        fam = json.loads(f.read_text(encoding="utf-8"))["family"]
        families.setdefault(fam, set()).add(f.parent.name)
        counts[fam] = counts.get(fam, 0) + 1
    fam_rows = "\n".join(
        f"| {fam} | {counts[fam]} | {len(families[fam])} |" for fam in sorted(counts)
    )
    hold = sorted((common.CORPUS / "holdout" / "expected").glob("*/*.json"))
    hold_hosts = sorted({f.parent.name for f in hold})
    hosts = len({h for s in families.values() for h in s})
    block = (
        f"{sum(counts.values())} article pages on {hosts} hosts in {len(counts)} families; "
        f"holdout: {len(hold)} pages on {len(hold_hosts)} hosts.\n\n"
        "| family | pages | hosts |\n|---|---|---|\n"
        + fam_rows
        + "\n\n"
        + manifest.table(common.CORPUS)
        + "\n\nHoldout hosts (details deliberately not listed): "
        + ", ".join(f"`{h}`" for h in hold_hosts)
        + "."
    )
    begin, end = "<!-- manifest:begin -->", "<!-- manifest:end -->"
    head, rest = text.split(begin)
    readme.write_text(
        head + begin + "\n" + block + "\n" + end + rest.split(end)[1], encoding="utf-8"
    )


if __name__ == "__main__":
    main()
