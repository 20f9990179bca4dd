"""render_mode="human" opens the PyBullet GUI. Needs a display: a real one, or Xvfb via xvfb-run."""

import os
import shutil
import subprocess
import sys

import pytest

SCRIPT = """
import gymnasium as gym, pybullet, causalworld
env = gym.make("CausalWorld-Pushing", render_mode="human")
env.reset(seed=0)
for _ in range(3):
    env.step(env.action_space.sample())
print("method", pybullet.getConnectionInfo(env.unwrapped.world.client)["connectionMethod"])
env.close()
"""


def test_human_mode_opens_the_gui():
    if os.environ.get("DISPLAY"):
        command = [sys.executable, "-c", SCRIPT]
    elif shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", sys.executable, "-c", SCRIPT]
    else:
        pytest.skip("no display and no xvfb-run: cannot open the PyBullet GUI here")
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"method {1}" in result.stdout  # pybullet.GUI == 1
