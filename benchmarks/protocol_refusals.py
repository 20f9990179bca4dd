"""How often each evaluation protocol's intervention is refused, per task (ProtocolWrapper.reset).

    python benchmarks/protocol_refusals.py --seeds 5 --out benchmarks/results/protocol_refusals.json

For every task with protocols and every protocol: ``--seeds`` resets of a ``ProtocolWrapper`` with
``max_attempts=10`` (seeds 0, 1, ...); records whether the intervention was applied, after how many
draws, and the last refusal reason. Prints one line per protocol and writes the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import causalworld
from causalworld.benchmark.protocols import PROTOCOLS
from causalworld.wrappers.protocol import ProtocolWrapper


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--tasks", nargs="*", default=list(PROTOCOLS))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/protocol_refusals.json"))
    args = parser.parse_args(argv)
    rows = []
    for task in args.tasks:
        env = causalworld.CausalWorldEnv(task, max_episode_length=5)
        for protocol in PROTOCOLS[task]:
            wrapper = ProtocolWrapper(env, protocol, max_attempts=10)
            start = time.perf_counter()
            reports = [wrapper.reset(seed=seed)[1]["protocol"] for seed in range(args.seeds)]
            row = {"task": task, "protocol": protocol.name, "seeds": args.seeds,
                   "applied": sum(r["applied"] for r in reports), "attempts": [r["attempts"] for r in reports],
                   "last_reason": next((r["reasons"][0] for r in reports if r["reasons"]), None),
                   "seconds": time.perf_counter() - start}
            rows.append(row)
            print(f"{task} {protocol.name}: applied {row['applied']}/{args.seeds}, attempts {row['attempts']}"
                  + (f"; {row['last_reason'][:120]}" if row["last_reason"] else ""), flush=True)
        env.close()
    command = "python benchmarks/protocol_refusals.py " + " ".join(sys.argv[1:] if argv is None else argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"command": command, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
