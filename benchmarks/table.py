"""Render the speed tables of README.md and docs/ from the raw benchmark output in benchmarks/results/.

``python benchmarks/table.py`` prints every table; ``python benchmarks/table.py --write README.md docs/*.md``
rewrites, in place, each block that starts with ``<!-- table: NAME -->`` and ends with
``<!-- /table -->`` from ``benchmarks/results/NAME.json``. Regenerating the published figures is
therefore: run the benchmark scripts (each writes its JSON), then this. A test checks that the
committed blocks equal what this script renders from the committed JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BLOCK = re.compile(r"(<!-- table: (?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /table -->)", re.DOTALL)


def provenance(record: dict) -> str:
    """One paragraph: the command, the date, the machine and how busy it was, the packages."""
    machine = record["machine"]
    load = machine.get("load_average_at_start")
    load_end = machine.get("load_average_at_end")
    busy = (f"1-minute load average {load[0]:.1f} at the start and {load_end[0]:.1f} at the end"
            if load and load_end else "load not recorded")
    packages = "; ".join(f"{name}: {p.get('package')} {p.get('version')}, Python {p.get('python')}, "
                         f"pybullet {p.get('pybullet')}" for name, p in record["packages"].items())
    note = f" {record['note']}" if record.get("note") else ""
    return (f"From `{record['command']}` on {record['date'][:10]} ({machine['cpu']}, {machine['logical_cpus']} logical "
            f"CPUs; {busy}).{note} Raw output: `benchmarks/results/{record['benchmark']}.json` ({packages}).")


def _number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render_throughput(record: dict) -> list[str]:
    both = "original" in record["packages"]
    head = "| env | ours, steps per wall-clock s | ours, steps per CPU s | ours, median reset (ms) |"
    rule = "|---|---|---|---|"
    if both:
        head += (" original, steps per wall-clock s | original, steps per CPU s | original, median reset (ms) |"
                 " ours / original (wall-clock) | ours / original (CPU) |")
        rule += "---|---|---|---|---|"
    lines = [head, rule]
    for env_id, summary in record["tasks"].items():
        ours = summary["ours"]
        row = (f"| {env_id} | {_number(ours['steps_per_wall_second'])} | {_number(ours['steps_per_cpu_second'])} | "
               f"{_number(ours['median_reset_ms'], 1)} |")
        if both:
            original = summary.get("original")
            if original:
                row += (f" {_number(original['steps_per_wall_second'])} | {_number(original['steps_per_cpu_second'])}"
                        f" | {_number(original['median_reset_ms'], 1)} | {summary['ratio_wall']:.2f}x |"
                        f" {summary['ratio_cpu']:.2f}x |")
            else:
                row += " no such task | | | | |"
        lines.append(row)
    settings = record["settings"]
    lines += ["", f"Settings: {settings['steps']} measured steps per task after {settings['warmup_steps']} warm-up "
                  f"steps, skip frame {settings['skip_frame']} for both, the same uniform random actions "
                  f"(seed {settings['seed']}), {settings['rounds']} fresh process(es) per package and task."]
    return lines


def render_interventions(record: dict) -> list[str]:
    operations = record["settings"]["operations"]
    both = "original" in record["packages"]
    lines = ["| task | " + " | ".join(operations) + " |", "|---|" + "---|" * len(operations)]
    for task, entry in record["tasks"].items():
        cells = []
        for op in operations:
            ours = entry["ours"]["median_ms"].get(op)
            cell = _number(ours, 2)
            if both and "original" in entry:
                original = entry["original"]["median_ms"].get(op)
                failed = op in entry["original"].get("errors", {})
                cell += " / " + ("raised" if failed else _number(original, 2))
            cells.append(cell)
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    lines += ["", "Median wall-clock latency in ms" + (", ours / original ('raised': the original raised an error; "
              "no_reward has no counterpart)" if both else "") + f"; {record['settings']['repeats']} repetitions "
              "(set_starting_state: a quarter of them)."]
    return lines


def render_pixels(record: dict) -> list[str]:
    both = "original" in record["packages"]
    head = "| cameras | ours, steps per CPU s | ours, steps per wall-clock s |"
    rule = "|---|---|---|"
    if both:
        head += " original, steps per CPU s | original, steps per wall-clock s | ours / original (CPU) |"
        rule += "---|---|---|"
    lines = [head, rule]
    for label, entry in record["settings_by_cameras"].items():
        ours = entry["ours"]
        row = f"| {label} | {ours['steps_per_cpu_second']:.1f} | {ours['steps_per_wall_second']:.1f} |"
        if both:
            original = entry["original"]
            row += (f" {original['steps_per_cpu_second']:.1f} | {original['steps_per_wall_second']:.1f} |"
                    f" {entry['ratio_cpu']:.2f}x |")
        lines.append(row)
    three = record["settings_by_cameras"]["3 cameras"]
    ours = three["ours"]
    text = ("Goal intervention with three cameras (CPU time, median): ours "
            f"{ours['goal_intervention_cpu_ms']:.1f} ms, of which {ours['goal_refresh_cpu_ms']:.1f} ms "
            f"re-render the goal images (a mass change takes {ours['other_intervention_cpu_ms']:.1f} ms)")
    if both:
        original = three["original"]
        text += (f"; the original {original['goal_intervention_cpu_ms']:.1f} ms, and "
                 f"{original['other_intervention_cpu_ms']:.1f} ms for a mass change (it re-renders on every "
                 "intervention)")
    lines += ["", text + f". Ours renders with `{three['ours']['renderer']}`."]
    return lines


def render_evaluation(record: dict) -> list[str]:
    lines = ["| package | backend | workers | episodes | wall-clock s | episodes per wall-clock s | driver CPU s | "
             "Ray start s |", "|---|---|---|---|---|---|---|---|"]
    for row in record["rows"]:
        lines.append(f"| {row['package']} | {row['backend']} | {row['workers']} | {row['episodes']} | "
                     f"{row['wall_seconds']:.1f} | {row['episodes_per_wall_second']:.2f} | "
                     f"{_number(row['driver_cpu_seconds'], 1)} | {_number(row['ray_start_seconds'], 1)} |")
    settings = record["settings"]
    lines += ["", f"{settings['task']}, protocols {', '.join(settings['protocols'])}, "
                  f"{settings['episodes_per_protocol']} full-length episodes each, skip frame {settings['skip_frame']};"
                  f" ours' scores identical in every configuration: {record['identical_scores_ours']}."]
    return lines


RENDERERS = {"throughput": render_throughput, "interventions": render_interventions, "pixels": render_pixels,
             "evaluation": render_evaluation}


def render(record: dict) -> str:
    """The Markdown block (table, settings, provenance) of one result record."""
    return "\n".join([*RENDERERS[record["benchmark"]](record), "", provenance(record)]) + "\n"


def load(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text())


def rewrite(text: str) -> str:
    """``text`` with every table block rendered again from the committed JSON."""
    return BLOCK.sub(lambda m: m.group(1) + render(load(m.group("name"))) + m.group(4), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", nargs="*", default=None, help="Markdown files whose table blocks to rewrite")
    args = parser.parse_args()
    if args.write is None:
        for name in RENDERERS:
            if (RESULTS / f"{name}.json").is_file():
                print(f"<!-- table: {name} -->\n{render(load(name))}<!-- /table -->\n")
        return
    for path in map(Path, args.write):
        text = path.read_text()
        new = rewrite(text)
        if new != text:
            path.write_text(new)
            print(f"rewrote {path}")
    sys.exit(0)


if __name__ == "__main__":
    main()
