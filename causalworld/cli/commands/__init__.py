"""Sub-commands of the ``causalworld`` command, one module each.

A module here defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args, parser) -> int``;
:mod:`causalworld.cli` discovers them, so adding a command never edits a shared list.
"""
