"""Locate the URDF descriptions shipped inside the package."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path


def _assets_dir() -> Path:
    try:
        return Path(str(resources.files("causalworld.assets")))
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        return Path(__file__).resolve().parents[2] / "assets"


@functools.cache
def asset_path(name: str) -> str:
    """Filesystem path of a shipped description such as ``"trifinger_edu.urdf"``."""
    path = _assets_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"causalworld asset {name!r} is missing from the installation (looked in {path.parent})"
        )
    return str(path)
