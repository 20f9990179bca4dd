"""Planning with the simulator as the model: a simulator model, the cross-entropy method, and an MPC agent.

* :class:`SimulatorModel`: copies of an env that roll out batches of action sequences from a
  snapshot (``env.unwrapped.get_state()``), in this process or over ``workers`` processes.
* :class:`CrossEntropyMethod`: optimizes an action sequence against a model.
* :class:`MPCAgent`: replans with CEM every few steps; ``evaluate(agent="mpc")`` and
  ``causalworld evaluate --agent mpc`` use it.

See ``docs/planning.md`` for the measured success rates and speed.
"""

from causalworld.planning.cem import CrossEntropyMethod, Plan
from causalworld.planning.model import Rollouts, SimulatorModel
from causalworld.planning.mpc import MPC_DEFAULTS, MPCAgent, parse_mpc_spec

__all__ = ["MPC_DEFAULTS", "CrossEntropyMethod", "MPCAgent", "Plan", "Rollouts", "SimulatorModel", "parse_mpc_spec"]
