"""Vectorised environments whose dead workers are reported, not met with a bare ``EOFError``.

Gymnasium's :class:`~gymnasium.vector.AsyncVectorEnv` runs one environment per process. When a
worker process dies (killed by the out-of-memory killer, a segfault in native code, ``os._exit``),
the parent sees only an ``EOFError`` or ``BrokenPipeError`` from the pipe, with no word on which
worker died or how. :class:`WatchedAsyncVectorEnv` turns those into :class:`WorkerDiedError` naming
every dead worker, its process id and exit code, and closes cleanly afterwards. A worker that hangs
instead is caught by the ``timeout`` argument of ``step_wait`` / ``reset_wait`` / ``call_wait``
(Gymnasium raises ``multiprocessing.TimeoutError``).

>>> envs = make_vector_env("CausalWorld-Pushing", num_envs=4)        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import gymnasium as gym
from gymnasium.vector import AsyncVectorEnv

from causalworld.registration import register_envs

PIPE_ERRORS = (EOFError, BrokenPipeError, ConnectionResetError)


class WorkerDiedError(RuntimeError):
    """A worker process of a vectorised environment is gone; the vector env must be closed."""


class WatchedAsyncVectorEnv(AsyncVectorEnv):
    """An :class:`~gymnasium.vector.AsyncVectorEnv` that names dead workers (see module docs)."""

    def dead_workers(self) -> list[str]:
        """Descriptions of the worker processes that are no longer running."""
        dead = []
        for index, process in enumerate(getattr(self, "processes", [])):
            if not process.is_alive():
                code = process.exitcode
                how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                dead.append(f"worker {index} (pid {process.pid}, {how})")
        return dead

    def _report(self, operation: str, error: BaseException) -> WorkerDiedError:
        for process in self.processes:  # give a dying process a moment to be reaped, so its exit code is known
            if process.exitcode is None:
                process.join(timeout=0.5)
        dead = self.dead_workers() or ["a worker (its pipe closed)"]
        return WorkerDiedError(
            f"{operation} failed: {', '.join(dead)} died ({type(error).__name__} from its pipe). "
            "Close this vector env (close() terminates the other workers) and build a new one."
        )

    @contextmanager
    def _watch(self, operation: str) -> Iterator[None]:
        try:
            yield
        except PIPE_ERRORS as error:
            raise self._report(operation, error) from error

    def reset_async(self, *args: Any, **kwargs: Any) -> None:
        """As in Gymnasium; raises :class:`WorkerDiedError` if a worker is gone."""
        with self._watch("reset"):
            return super().reset_async(*args, **kwargs)

    def reset_wait(self, *args: Any, **kwargs: Any):
        """As in Gymnasium; raises :class:`WorkerDiedError` if a worker is gone."""
        with self._watch("reset"):
            return super().reset_wait(*args, **kwargs)

    def step_async(self, actions: Any) -> None:
        """As in Gymnasium; raises :class:`WorkerDiedError` if a worker is gone."""
        with self._watch("step"):
            return super().step_async(actions)

    def step_wait(self, *args: Any, **kwargs: Any):
        """As in Gymnasium; raises :class:`WorkerDiedError` if a worker is gone."""
        with self._watch("step"):
            return super().step_wait(*args, **kwargs)

    def call_async(self, name: str, *args: Any, **kwargs: Any) -> None:
        """As in Gymnasium; raises :class:`WorkerDiedError` if a worker is gone."""
        with self._watch(f"call {name!r}"):
            return super().call_async(name, *args, **kwargs)

    def call_wait(self, *args: Any, **kwargs: Any):
        """As in Gymnasium; raises :class:`WorkerDiedError` if a worker is gone."""
        with self._watch("call"):
            return super().call_wait(*args, **kwargs)

    def close_extras(self, timeout: float | None = None, terminate: bool = False) -> None:
        """Close the workers; with a dead worker, terminate the rest instead of waiting on them."""
        from gymnasium.vector.async_vector_env import AsyncState

        if self.dead_workers():
            self._state = AsyncState.DEFAULT
            terminate = True
        try:
            super().close_extras(timeout=timeout, terminate=terminate)
        except PIPE_ERRORS:
            for process in self.processes:
                if process.is_alive():
                    process.terminate()
                process.join()


def make_vector_env(env_id: str, num_envs: int, context: str | None = None, **kwargs: Any) -> WatchedAsyncVectorEnv:
    """``num_envs`` copies of a registered environment, one process each, with dead workers reported."""
    if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
        raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
    return WatchedAsyncVectorEnv([_EnvFactory(env_id, kwargs) for _ in range(num_envs)], context=context)


class _EnvFactory:
    """A picklable ``gym.make(env_id, **kwargs)`` (no lambda, so spawn and forkserver work)."""

    def __init__(self, env_id: str, kwargs: dict[str, Any]) -> None:
        self.env_id, self.kwargs = env_id, dict(kwargs)

    def __call__(self) -> gym.Env:
        register_envs()  # a fresh worker process has not registered the IDs yet

        return gym.make(self.env_id, **self.kwargs)
