"""Creating and closing environments releases every PyBullet client and all memory."""

import os

import pybullet

import causalworld


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _cycle():
    env = causalworld.CausalWorldEnv("pushing")
    env.reset(seed=0)
    env.step(env.action_space.sample())
    client = env.world.client
    env.close()
    env.close()  # closing twice is harmless
    return client


def test_200_create_close_cycles_leave_no_clients_and_no_memory_growth():
    for _ in range(20):  # warm-up: imports, allocator pools
        _cycle()
    before_rss, before_fds = _rss_mb(), len(os.listdir("/proc/self/fd"))
    clients = {_cycle() for _ in range(200)}
    assert not any(pybullet.isConnected(physicsClientId=c) for c in clients)
    assert len(os.listdir("/proc/self/fd")) <= before_fds
    assert _rss_mb() - before_rss < 20.0
