"""The wheel holds every sub-package and data file the code needs."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def test_every_package_directory_is_listed_in_setup_cfg():
    listed = set(_setup_cfg()["options"]["packages"].split())
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "causalworld").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert on_disk - listed == set(), "add these packages to setup.cfg [options] packages"


def test_data_files_are_declared():
    package_data = _setup_cfg()["options.package_data"]
    assert "hyperparams/*.yml" in package_data["causalworld.baselines"]
    assert list((ROOT / "causalworld" / "baselines" / "hyperparams").glob("*.yml"))
    assert "*.urdf" in package_data["causalworld.assets"] and list((ROOT / "assets").glob("*.urdf"))
