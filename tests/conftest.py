"""Shared fixtures: small hand-made layers whose right answers can be checked on paper."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATA = HERE / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


def pytest_collection_modifyitems(config, items):
    # No silent skips in CI: what CI needs is installed by ./run test, so a missing tool is a failure there.
    if os.environ.get("CI"):
        return
