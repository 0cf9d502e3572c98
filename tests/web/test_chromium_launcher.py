"""The browser tests' Chromium launcher: a fresh machine skips them with the install command,
CI (``CI`` set) fails them, so a CI run can never pass without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest
import support


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(support, "CHROMIUM", tmp_path / "no-such-chromium")


def test_without_chromium_browser_tests_skip_naming_the_install_command(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped, support.system_chromium():
        pass
    reason = str(skipped.value)
    assert "no-such-chromium is missing" in reason
    assert "apt-get install chromium fonts-wqy-microhei" in reason
    assert "\n" not in reason  # one line in pytest's summary


@pytest.mark.parametrize("ci", ["true", "1"])
def test_under_ci_a_missing_chromium_fails(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI is set"), support.system_chromium():
        pass


def test_with_chromium_nothing_is_skipped() -> None:
    if not support.CHROMIUM.exists():
        pytest.skip(support.chromium_missing())
    assert support.chromium_missing() is None
