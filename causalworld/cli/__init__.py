"""The ``causalworld`` command (:func:`main`), one sub-command per module of :mod:`causalworld.cli.commands`."""

from causalworld.cli.main import main

__all__ = ["main"]
