"""Why ``pybullet.restoreState`` alone is not a bit-exact snapshot: the experiments behind env_snapshot.py.

Plain PyBullet, no causalworld: a floor and one 6x4x2 cm box (0.08 kg) dropped with a spin. After
100 substeps (the box rests on the floor) the state is saved; the reference run goes on for 200
substeps. Each variant restores that state and runs the same 200 substeps, and the first substep
whose box pose or velocity differs from the reference is reported (None: identical):

* ``in_place``: restore right after saving (nothing happened in between);
* ``after_steps``: restore after 5 more substeps (the usual case for planning or replay);
* ``after_teleport``: restore after teleporting the box and running collision detection, without
  stepping (contacts change, the body's inertia tensor does not);
* ``after_steps_huge_inertia``: as ``after_steps`` with an inertia of 1e30 (the world-frame inertia
  tensor no longer matters).

Each for the box as a Bullet rigid body (maximal coordinates, as the stacked families' blocks) and
as a one-link multibody (the other families' blocks), with the in-memory ``saveState`` and with a
``saveBullet`` file.

Usage: python benchmarks/snapshot_diagnosis.py [--json benchmarks/results/snapshot_diagnosis.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import tempfile
from pathlib import Path

import pybullet as p
from harness import machine_facts

VARIANTS = ("in_place", "after_steps", "after_teleport", "after_steps_huge_inertia")



def git_commit() -> str | None:
    """The commit of the code measured (None outside a git checkout)."""
    import subprocess

    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def world(maximal: bool, huge_inertia: bool) -> tuple[int, int]:
    client = p.connect(p.DIRECT)
    p.setPhysicsEngineParameter(fixedTimeStep=1 / 250, deterministicOverlappingPairs=1, physicsClientId=client)
    p.setGravity(0, 0, -9.81, physicsClientId=client)
    floor = p.createCollisionShape(p.GEOM_BOX, halfExtents=[0.5, 0.5, 0.05], physicsClientId=client)
    p.createMultiBody(0, floor, physicsClientId=client)
    shape = p.createCollisionShape(p.GEOM_BOX, halfExtents=[0.03, 0.02, 0.01], physicsClientId=client)
    box = p.createMultiBody(0.08, shape, basePosition=[0, 0, 0.2],
                            baseOrientation=p.getQuaternionFromEuler([0.1, 0.2, 0.3]),
                            useMaximalCoordinates=maximal, physicsClientId=client)
    p.resetBaseVelocity(box, [0.1, 0.05, 0], [1, 2, 3], physicsClientId=client)
    if huge_inertia:
        p.changeDynamics(box, -1, localInertiaDiagonal=[1e30] * 3, physicsClientId=client)
    return client, box


def trajectory(client: int, box: int, substeps: int) -> list:
    out = []
    for _ in range(substeps):
        p.stepSimulation(physicsClientId=client)
        out.append((p.getBasePositionAndOrientation(box, physicsClientId=client),
                    p.getBaseVelocity(box, physicsClientId=client)))
    return out


def run(maximal: bool, variant: str | None, use_file: bool) -> list:
    client, box = world(maximal, variant == "after_steps_huge_inertia")
    trajectory(client, box, 100)
    path = None
    if use_file:
        handle, path = tempfile.mkstemp(suffix=".bullet")
        os.close(handle)
        p.saveBullet(path, physicsClientId=client)
    else:
        state = p.saveState(physicsClientId=client)
    if variant in ("after_steps", "after_steps_huge_inertia"):
        trajectory(client, box, 5)
    elif variant == "after_teleport":
        p.resetBasePositionAndOrientation(box, [0.01, 0.02, 0.06], p.getQuaternionFromEuler([0.3, 0.1, 0.3]),
                                          physicsClientId=client)
        p.performCollisionDetection(physicsClientId=client)
    if variant is not None:
        if use_file:
            p.restoreState(fileName=path, physicsClientId=client)
        else:
            p.restoreState(stateId=state, physicsClientId=client)
    if path:
        os.unlink(path)
    result = trajectory(client, box, 200)
    p.disconnect(client)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default="benchmarks/results/snapshot_diagnosis.json")
    args = parser.parse_args()
    rows = []
    for maximal in (True, False):
        for use_file in (False, True):
            for variant in VARIANTS:
                reference = run(maximal, None, use_file)
                if variant == "after_steps_huge_inertia":  # its own reference: the same huge inertia, no restore
                    client, box = world(maximal, True)
                    reference = trajectory(client, box, 300)[100:]
                    p.disconnect(client)
                restored = run(maximal, variant, use_file)
                first = next((i for i, (a, b) in enumerate(zip(reference, restored)) if a != b), None)
                row = {"body": "rigid body (maximal coordinates)" if maximal else "multibody",
                       "saved": "saveBullet file" if use_file else "saveState in memory", "variant": variant,
                       "first_differing_substep": first}
                rows.append(row)
                print(json.dumps(row), flush=True)
    document = {"benchmark": "snapshot_diagnosis",
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": machine_facts(), "commit": git_commit(), "pybullet_api": p.getAPIVersion(),
                "command": "python benchmarks/snapshot_diagnosis.py", "rows": rows}
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=1) + "\n")


if __name__ == "__main__":
    main()
