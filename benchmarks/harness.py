"""Shared machinery of the benchmark scripts: fresh driver processes, shared actions, machine facts, JSON output.

Every measurement runs in a fresh process (a "driver": the benchmark script itself with ``--driver
ours`` or ``--driver original``), started by the controller (the same script without ``--driver``).
The original CausalWorld runs under its own interpreter (``--original-python``, e.g. the venv made by
``make_venv.sh`` of the original), so this module and the drivers' top level use only the standard
library and NumPy: nothing here imports causalworld.

Both packages get the same actions: the controller draws them once from a seed, writes them to an
``.npy`` file (no pickle) and passes its path to every driver. Drivers print one JSON object on
their last line of standard output.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
"""Where each run's raw output (JSON) is written."""
PACKAGES = ("ours", "original")


def prepare_original() -> None:
    """In an original driver: the run-time settings the original needs on gym 0.26 (its files are not touched).

    Its class-level spaces break gym 0.26's checks, and its evaluation pipeline names ``gym.GoalEnv``,
    which gym 0.26 no longer has; both are set in this process only.
    """
    import logging

    import gym
    from causal_world.envs import CausalWorld

    CausalWorld.observation_space = None
    CausalWorld.action_space = None
    if not hasattr(gym, "GoalEnv"):
        gym.GoalEnv = gym.Env
    logging.getLogger().setLevel(logging.ERROR)  # its warnings on refused interventions would cost I/O time


def write_actions(steps: int, seed: int, directory: Path, dims: int = 9) -> Path:
    """Uniform actions in [-1, 1] (normalized joint positions), drawn once, as a pickle-free ``.npy`` file."""
    actions = np.random.default_rng(seed).uniform(-1.0, 1.0, (steps, dims)).astype(np.float32)
    path = directory / f"actions_{steps}x{dims}_seed{seed}.npy"
    np.save(path, actions, allow_pickle=False)
    return path


def read_actions(path: str) -> np.ndarray:
    """The shared actions (read without pickle)."""
    return np.load(path, allow_pickle=False)


def run_driver(python: str, script: str, package: str, arguments: dict[str, Any], timeout: float = 3600) -> dict:
    """Run ``script --driver package --args JSON`` under ``python`` in a fresh process; its JSON result."""
    command = [python, script, "--driver", package, "--args", json.dumps(arguments)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=tempfile.gettempdir())  # not the repository: the original must not see our package
    if done.returncode != 0:
        raise RuntimeError(f"{package} driver failed ({done.returncode}): {' '.join(command[:4])} ...\n"
                           f"{done.stderr[-3000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{package} driver printed no JSON result:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def driver_main(drivers: dict[str, Any]) -> bool:
    """If this process was started as a driver, run it, print its JSON, and return True."""
    if "--driver" not in sys.argv:
        return False
    package = sys.argv[sys.argv.index("--driver") + 1]
    arguments = json.loads(sys.argv[sys.argv.index("--args") + 1])
    if package == "original":
        prepare_original()
    result = drivers[package](**arguments)
    print(json.dumps(result), flush=True)
    return True


def package_facts(python: str, package: str) -> dict[str, Any]:
    """Interpreter, package and PyBullet versions of one side."""
    module = "causalworld" if package == "ours" else "causal_world"
    code = ("import json, platform, sys, importlib.metadata as m\n"
            f"names = {{'ours': 'causalworld', 'original': 'causal-world'}}['{package}']\n"
            "def v(n):\n    try:\n        return m.version(n)\n    except Exception:\n        return None\n"
            "print(json.dumps({'python': platform.python_version(), 'executable': sys.executable, "
            "'package': names, 'version': v(names), 'pybullet': v('pybullet'), 'numpy': v('numpy'), "
            f"'module': '{module}'}}))")
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120, cwd=tempfile.gettempdir())
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"error": done.stderr[-500:]}


def machine_facts() -> dict[str, Any]:
    """What machine the figures come from, and how busy it was when the run started."""
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = list(os.getloadavg())
    except OSError:
        load = None
    return {"cpu": cpu, "logical_cpus": os.cpu_count(), "system": platform.platform(),
            "load_average_at_start": load}


def start_record(name: str, settings: dict[str, Any], original_python: str | None,
                 note: str | None = None) -> dict[str, Any]:
    """The header of a result file: command, date, machine, settings, both packages, the caller's note."""
    packages = {"ours": package_facts(sys.executable, "ours")}
    if original_python:
        packages["original"] = package_facts(original_python, "original")
    return {
        "benchmark": name,
        "command": command_line(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "settings": settings,
        "packages": packages,
        "note": note,
        "timing": "wall-clock time (time.perf_counter) and CPU time of the driver process (time.process_time), "
                  "each named as such; every figure comes from a fresh process per package and task, the two "
                  "packages alternating",
    }


def command_line() -> str:
    """This process's command, as one would type it from the repository root (the --note text left out)."""
    arguments, skip = [], False
    for argument in sys.argv[1:]:
        if skip:
            skip = False
        elif argument == "--note":
            skip = True
        elif not argument.startswith("--note="):
            arguments.append(argument)
    script = os.path.relpath(os.path.abspath(sys.argv[0]), Path(__file__).resolve().parent.parent)
    return "python " + " ".join(shlex.quote(a) for a in [script, *arguments])


def finish_record(record: dict[str, Any], path: str | None) -> Path:
    """Add the load at the end, write the record (atomically) and return where."""
    try:
        record["machine"]["load_average_at_end"] = list(os.getloadavg())
    except OSError:
        pass
    target = Path(path) if path else RESULTS / f"{record['benchmark']}.json"
    root = RESULTS.parent.parent
    record["raw_output"] = (str(target.resolve().relative_to(root)) if target.resolve().is_relative_to(root)
                            else str(target.resolve()))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(temporary, target)
    return target


def order(index: int, with_original: bool) -> tuple[str, ...]:
    """The packages of measurement ``index`` in the order they run: alternating which goes first."""
    if not with_original:
        return ("ours",)
    return PACKAGES if index % 2 == 0 else PACKAGES[::-1]


def median(values: list[float]) -> float:
    """The median of a non-empty list."""
    return float(np.median(np.asarray(values, dtype=np.float64)))
