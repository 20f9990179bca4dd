"""Locate the URDF descriptions shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def asset_path(name: str) -> str:
    """Filesystem path of a shipped description such as ``"trifinger_edu.urdf"``."""
    path = resources.files("causalworld.assets").joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"causalworld asset {name!r} is missing from the installation")
    return str(Path(str(path)))
