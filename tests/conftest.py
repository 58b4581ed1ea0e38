"""Shared test helpers: where the real data lives, and skipping when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: ``../shared/data`` beside the project (real images and GIFs; never copied in).
#: FLICKERLESS_SHARED_DATA points elsewhere, e.g. at a missing folder to see what a
#: fresh clone without it runs.
DATA = Path(os.environ.get("FLICKERLESS_SHARED_DATA", ROOT.parent / "shared" / "data"))


def data_path(*parts: str) -> Path:
    """Path of a file in ``../shared/data``; skips the test when it is absent."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data folder is not beside the project")
    return path


@pytest.fixture(scope="session")
def harry_media():
    """The seed GIF (70 frames of a crowd scene), loaded once per test session."""
    import core

    return core.load_media(data_path("harrypotter_original.gif"))


@pytest.fixture(scope="session")
def china() -> np.ndarray:
    """scikit-learn's bundled china.jpg, 427x640 RGB."""
    from sklearn.datasets import load_sample_image

    return load_sample_image("china.jpg")
