"""Promises the repository makes to its users: documented configuration, a sound compose file."""

from __future__ import annotations

from crawler.seeds import load_sources
from tidewatch.config import ENV_PREFIX, FILE_ONLY, REPO_ROOT, SECRETS, Config

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_documents_every_secret() -> None:
    for name in SECRETS:
        assert f"`{ENV_PREFIX}{name.upper()}`" in README


def variables_the_app_reads() -> set[str]:
    config_vars = {
        ENV_PREFIX + name.upper() for name in Config.model_fields.keys() - set(FILE_ONLY)
    }
    secrets = {s.api.signing_salt_env for s in load_sources(REPO_ROOT / "seeds").values() if s.api}
    return config_vars | secrets | {ENV_PREFIX + "CONFIG"}


def test_readme_documents_every_configuration_key_and_variable() -> None:
    for name in Config.model_fields:
        if name not in SECRETS:
            assert f"| `{name}` |" in README, name
    assert "| `sources` | — (file only) |" in README
    for variable in variables_the_app_reads():
        assert f"`{variable}`" in README, variable


def test_readme_starts_with_the_setup_and_test_commands() -> None:
    blocks = README.split("```sh\n")[1:3]
    commands = [block.split("\n```")[0].strip() for block in blocks]
    assert commands[0].endswith("tidewatch demo") and "pip install -e" in commands[0]
    assert commands[1] == ".venv/bin/python -m pytest"
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert ci.rstrip().splitlines()[-1] == commands[1]
