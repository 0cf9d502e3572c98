"""Spiders tested offline write their side files (unextracted pages, backlog) somewhere
private: the default data directory is ``./data``, so these tests run from a temporary one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def own_working_directory(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own ``./data``: what one test leaves unextracted, another does not see."""
    monkeypatch.chdir(tmp_path)
