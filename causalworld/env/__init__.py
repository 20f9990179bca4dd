"""The environment layer: :class:`CausalWorldEnv` and what it is made of.

* :mod:`~causalworld.env.environment`: the Gymnasium environment (composes world, robot, stage, task).
* :mod:`~causalworld.env.args`: checks of the constructor arguments.
* :mod:`~causalworld.env.control`: action modes (bounds, validation, normalization).
* :mod:`~causalworld.env.observations`, :mod:`~causalworld.env.observation_writer`,
  :mod:`~causalworld.env.pixels`: the structured observation's layout and filling, pixel observations.
* :mod:`~causalworld.env.interventions`, :mod:`~causalworld.env.intervention_methods`: validating,
  applying and rolling back interventions.
* :mod:`~causalworld.env.health`: a blown-up simulation kept out of observations and rewards.
* :mod:`~causalworld.env.snapshot`, :mod:`~causalworld.env.snapshot_methods`: ``get_state`` / ``set_state``.
* :mod:`~causalworld.env.world_files`, :mod:`~causalworld.env.loading`: saved worlds and environments
  rebuilt from files.
* :mod:`~causalworld.env.vector`: vector environments that survive a dead worker.
* :mod:`~causalworld.env.variable_docs`: the generated table of every task's variables.

It sits on :mod:`causalworld.tasks`, :mod:`causalworld.variables` and :mod:`causalworld.sim`.
"""

from causalworld.env.environment import ENV_KWARGS, CausalWorldEnv
from causalworld.env.loading import env_from_snapshot, load_world
from causalworld.env.snapshot import Snapshot, SnapshotError, load_snapshot
from causalworld.env.world_files import WorldFileError, save_world

__all__ = [
    "ENV_KWARGS", "CausalWorldEnv", "Snapshot", "SnapshotError", "WorldFileError", "env_from_snapshot",
    "load_snapshot", "load_world", "save_world",
]
