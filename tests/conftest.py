"""Shared fixtures: the registry of IDs drives most tests."""

from __future__ import annotations

import pathlib

import pytest

import causalworld

DATA = pathlib.Path(__file__).parent / "data"
ENV_IDS = sorted(causalworld.ENV_IDS)


@pytest.fixture
def make_env():
    """Build environments and close them all at the end of the test."""
    made = []

    def build(task: str = "pushing", **kwargs):
        env = causalworld.CausalWorldEnv(task, **kwargs)
        made.append(env)
        return env

    yield build
    for env in made:
        env.close()
