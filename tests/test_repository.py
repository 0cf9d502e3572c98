"""Promises the repository makes to its users: documented configuration, a sound compose file."""

from __future__ import annotations

from pathlib import Path

import yaml

from crawler.seeds import load_sources
from tidewatch.config import ENV_PREFIX, FILE_ONLY, REPO_ROOT, SECRETS, Config

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


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


def test_compose_passes_every_variable_the_app_reads() -> None:
    environment = COMPOSE["services"]["crawler"]["environment"]
    assert variables_the_app_reads() <= set(environment)


def test_compose_keeps_data_on_a_volume_with_limits_and_health() -> None:
    service = COMPOSE["services"]["crawler"]
    assert service["volumes"] == ["tidewatch-data:/data"]
    assert "tidewatch-data" in COMPOSE["volumes"]
    assert service["environment"]["TIDEWATCH_DATA_DIR"] == "/data"
    assert service["restart"] == "unless-stopped"
    assert service["healthcheck"]["test"][:2] == ["CMD", "tidewatch"]
    assert service["command"] == ["serve"]
    assert service["deploy"]["resources"]["limits"]["memory"]
    assert service["build"] == "." and (REPO_ROOT / "Dockerfile").exists()


def test_compose_holds_no_secret_values() -> None:
    environment = COMPOSE["services"]["crawler"]["environment"]
    secrets = ["TIDEWATCH_TIDENEWS_SALT", "TIDEWATCH_SMTP_PASSWORD", "TIDEWATCH_UNSUBSCRIBE_SECRET"]
    for name in secrets:
        assert environment[name] == "${" + name + ":-}"


def test_dockerfile_copies_every_package() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    packages = [p.name for p in REPO_ROOT.iterdir() if (p / "__init__.py").exists()]
    for package in packages:
        assert f"COPY {package} ./{package}" in dockerfile, package
    assert Path(REPO_ROOT / "seeds").is_dir() and "COPY seeds ./seeds" in dockerfile
