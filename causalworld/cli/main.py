"""The ``causalworld`` command: one sub-command per module of :mod:`causalworld.cli.commands`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from causalworld import __version__
from causalworld.cli import commands


def command_modules() -> list[ModuleType]:
    """The sub-command modules, in alphabetical order of their module names."""
    names = sorted(info.name for info in pkgutil.iter_modules(commands.__path__) if not info.name.startswith("_"))
    return [importlib.import_module(f"causalworld.cli.commands.{name}") for name in names]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``causalworld`` command with every sub-command."""
    parser = argparse.ArgumentParser(prog="causalworld", description="causalworld: the CausalWorld benchmark")
    parser.add_argument("--version", action="version", version=f"causalworld {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in command_modules():
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(_module=module, _parser=sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``causalworld`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args._module.run(args, args._parser))


if __name__ == "__main__":
    sys.exit(main())
