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
import shlex
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BLOCK = re.compile(r"(<!-- table: (?P<name>[a-z_/]+)(:(?P<view>[a-z_]+))? -->\n)(?P<body>.*?)(<!-- /table -->)",
                   re.DOTALL)
"""A block: ``NAME`` is the JSON file under benchmarks/results/ (without ``.json``); ``VIEW`` picks a
renderer other than the file's own benchmark (for example ``scripted_policies:scripted_protocols``)."""


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
    raw = record.get("raw_output") or f"benchmarks/results/{record['benchmark']}.json"
    return (f"From `{_without_note(record['command'])}` on {record['date'][:10]} ({machine['cpu']}, "
            f"{machine['logical_cpus']} logical CPUs; {busy}).{note} Raw output: `{raw}` ({packages}).")


def _without_note(command: str) -> str:
    """The command without its ``--note`` text (shown apart)."""
    words = shlex.split(command)
    kept = [w for i, w in enumerate(words) if w != "--note" and not (i and words[i - 1] == "--note")]
    return " ".join(shlex.quote(w) for w in kept)


def _number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render_throughput(record: dict) -> list[str]:
    both = "original" in record["packages"]
    packages = ("ours", "original") if both else ("ours",)
    head, rule = "| env |", "|---|"
    for package in packages:
        head += f" {package}, steps per wall-clock s | {package}, steps per CPU s |"
        rule += "---|---|"
    if both:
        head += " ours / original (wall-clock) | ours / original (CPU) |"
        rule += "---|---|"
    lines = [head, rule]
    for env_id, summary in record["tasks"].items():
        row = f"| {env_id} |"
        for package in packages:
            figures = summary.get(package)
            row += (f" {figures['steps_per_wall_second']:.0f} | {figures['steps_per_cpu_second']:.0f} |" if figures
                    else " no such task | |")
        if both:
            row += (f" {summary['ratio_wall']:.2f}x | {summary['ratio_cpu']:.2f}x |" if "ratio_wall" in summary
                    else " | |")
        lines.append(row)
    lines += ["", "| env | " + " | ".join(f"{p}, median reset (ms) | {p}, build (s)" for p in packages) + " |",
              "|---|" + "---|---|" * len(packages)]
    for env_id, summary in record["tasks"].items():
        cells = [f"{summary[p]['median_reset_ms']:.1f}{_reset_cpu(summary[p])} | {summary[p]['build_seconds']:.2f}"
                 if p in summary else "- | -" for p in packages]
        lines.append(f"| {env_id} | " + " | ".join(cells) + " |")
    settings = record["settings"]
    lines += ["", f"Settings: {settings['steps']} measured steps per task after {settings['warmup_steps']} warm-up "
                  f"steps, skip frame {settings['skip_frame']}{' for both' if both else ''}, "
                  f"{'the same ' if both else ''}uniform random actions (seed {settings['seed']}), "
                  f"{settings['rounds']} fresh process(es) per package and task; "
                  f"resets when an episode ends are included in the step rates; reset and build times are "
                  "wall-clock" + (" (reset also in CPU ms of the driver process)" if _has_reset_cpu(record) else "")
                  + "."]
    return lines


def _has_reset_cpu(record: dict) -> bool:
    return any("median_reset_cpu_ms" in s.get("ours", {}) for s in record["tasks"].values())


def _reset_cpu(figures: dict) -> str:
    cpu = figures.get("median_reset_cpu_ms")
    return "" if cpu is None else f" ({cpu:.1f} CPU)"


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
                 f"{original['other_intervention_cpu_ms']:.1f} ms for a mass change")
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
    if "ratio_wall_ours_1_local_over_original" in record:
        lines[-1] += (" Ours on 1 local worker / the original, episodes per wall-clock second: "
                      f"{record['ratio_wall_ours_1_local_over_original']:.2f}x (both single processes).")
    return lines


def render_torch_threads(record: dict) -> list[str]:
    lines = ["| torch threads | env steps per wall-clock s | env steps per CPU s |", "|---|---|---|"]
    for row in record["rows"]:
        lines.append(f"| {row['threads']} | {row['steps_per_wall_second']:.1f} | {row['steps_per_cpu_second']:.1f} |")
    settings = record["settings"]
    return lines + ["", f"{settings['algorithm']} on {settings['task']}, {settings['steps']} env steps after "
                        f"{settings['learning_starts']} (one gradient update each); CPU time counts every thread."]


def render_soak(record: dict) -> list[str]:
    lines = ["| part | figures |", "| --- | --- |"]
    soak, cycles, physics, fuzz = (record.get(k) for k in ("soak", "cycles", "physics", "fuzz"))
    if soak:
        counts = soak["counts"]
        lines.append(
            f"| soak | {soak['steps']:,} steps over {len(record['settings']['tasks'].split(','))} families in "
            f"{soak['seconds'] / 60:.1f} min wall-clock ({soak['steps_per_second']} steps/s); "
            f"{counts.get('interventions_ok', 0) + counts.get('interventions_refused', 0):,} random interventions "
            f"({counts.get('interventions_ok', 0):,} applied, {counts.get('interventions_refused', 0):,} refused as "
            f"infeasible), {counts.get('resets', 0):,} resets; {counts.get('exceptions', 0)} exceptions, "
            f"{counts.get('physics_warnings', 0)} physics warnings; {_rss_story(soak)}; "
            f"{soak['clients_open_during']} clients open throughout, {soak['clients_open_after_close']} "
            "after closing |")
    if cycles:
        lines.append(f"| cycles | {cycles['cycles']:,} create/step/close cycles: {cycles['leaked_clients']} leaked "
                     f"clients, {cycles['fd_growth']} extra file descriptors, {cycles['rss_growth_mb']:+.1f} MB RSS |")
    if physics:
        lines.append(f"| physics | {physics['steps']:,} steps of maximum and random torques: "
                     f"{physics['problem_steps']} problems |")
    if fuzz:
        inputs = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in fuzz["inputs"].items())
        verdict = ("every one refused with its specific exception" if not fuzz["wrong_count"]
                   else f"{fuzz['wrong_count']} NOT refused as expected")
        unchanged = "environment unchanged" if fuzz["env_unchanged"] else "ENVIRONMENT CHANGED"
        lines.append(f"| fuzz | {inputs}: {verdict}, {unchanged} |")
    return lines


def _rss_story(soak: dict) -> str:
    """Resident memory: after building, at the first sample of the second half of the run, at the end."""
    samples = soak["samples"][:-1]  # the last sample is taken after closing
    steps = samples[-1][0]
    middle = next(sample for sample in samples if sample[0] >= steps / 2)
    end = samples[-1][1]
    return (f"RSS {samples[0][1]:.1f} MB after building the envs, {middle[1]:.1f} MB at {middle[0]:,} steps, "
            f"{end:.1f} MB at the end ({end - middle[1]:+.1f} MB over the last {steps - middle[0]:,} steps)")


def render_scripted_policies(record: dict) -> list[str]:
    lines = ["| task | setting | episodes | success rate | final fractional success | mean fractional success |",
             "|---|---|---|---|---|---|"]
    for row in record["rows"]:
        lines.append(f"| {row['task']} | {row['setting']} | {row['episodes']} | {row['success_rate']:.2f} | "
                     f"{row['final_fractional_success']:.3f} | {row['mean_fractional_success']:.3f} |")
    return lines


def render_scripted_protocols(record: dict) -> list[str]:
    lines = ["| task | protocol | changes (space) | episodes | success rate | final fractional success |",
             "|---|---|---|---|---|---|"]
    for row in record["protocols"]:
        lines.append(f"| {row['task']} | {row['protocol']} | {row['label']} ({row['space']}) | {row['episodes']} | "
                     f"{row['success_rate']:.2f} | {row['final_fractional_success']:.3f} |")
    return lines


def render_learning(history: list) -> list[str]:
    """A training run's evaluations.json: the default-goal episode apart from the sampled-goal ones."""
    lines = ["| env steps | last fractional success, default goal (episode 0) | return, default goal | "
             "last fractional success, sampled goals (episodes 1-2) | last fractional success, all 3 episodes |",
             "|---|---|---|---|---|"]
    for entry in history:
        default = entry["default_last_fractional_success"]
        sampled = (3 * entry["last_fractional_success"] - default) / 2  # the mean over 3 episodes, less episode 0
        lines.append(f"| {entry['timesteps']:,} | {default:.2f} | {entry['default_return']:.0f} | "
                     f"{max(sampled, 0.0):.2f} | {entry['last_fractional_success']:.2f} |")
    return lines


def render_physics_profile(record: dict) -> list[str]:
    lines = ["| env | env step (µs, wall-clock) | substep inside stepSimulation (CPU µs) | outside stepSimulation "
             "per env step (CPU µs) | contact points / pairs per substep | overlapping-box pairs per substep | "
             "Bullet: collision detection / solver / multibody dynamics |", "|---|---|---|---|---|---|---|"]
    for env_id, entry in record["tasks"].items():
        t, c = entry["timing"], entry["contacts"]
        b = entry["bullet"].get("share_of_substep", {})
        shares = " / ".join(f"{100 * b[k]:.0f} %" for k in ("collision_detection", "solver", "multibody_dynamics")
                            ) if b else "-"
        lines.append(f"| {env_id} | {t['env_step_us']:.0f} | {t['substep_cpu_us_inside_stepSimulation']:.1f} | "
                     f"{t['outside_stepSimulation_per_env_step_cpu_us']:.0f} | {c['contact_points_per_substep']:.1f} / "
                     f"{c['contact_pairs_per_substep']:.1f} | {c['broadphase_candidates_per_substep']:.1f} | "
                     f"{shares} |")
    for env_id, toggles in record.get("toggles", {}).items():
        base = toggles["baseline"]["substep_cpu_us"]
        lines += ["", f"{env_id}, one setting at a time:", "",
                  "| setting | substep (CPU µs) | vs as shipped | observations |", "|---|---|---|---|"]
        for name, r in toggles.items():
            effect = ("bit-identical" if r["bit_identical_observations"] else
                      f"differ from env step {r['first_differing_env_step']}")
            lines.append(f"| {name}: {record['settings']['toggles'][name]} | {r['substep_cpu_us']:.1f} | "
                         f"{100 * (r['substep_cpu_us'] / base - 1):+.0f} % | {effect} |")
    settings = record["settings"]
    lines += ["", f"Settings: {settings['steps']} env steps of uniform random actions (seed {settings['seed']}), skip "
                  f"frame {settings['skip_frame']}, one fresh process per task and measurement; Bullet's shares from "
                  f"its own profiler over {settings['profile_steps']} env steps; settings compared over "
                  f"{settings['rounds']} alternating rounds (median)."]
    return lines


def render_vector(record: dict) -> list[str]:
    lines = ["| configuration | env steps per wall-clock s | ratio to one plain env (same round, median) |",
             "|---|---|---|"]
    for key, s in record["summary"].items():
        ratio = s["ratio_to_single_same_round_median"]
        lines.append(f"| {key} | {s['env_steps_per_wall_second']:.0f} | {ratio:.2f}x |")
    settings = record["settings"]
    lines += ["", f"Settings: {settings['env_id']}, {settings['steps']} measured vector steps after "
                  f"{settings['warmup']} warm-up steps, uniform random actions, {settings['rounds']} rounds of fresh "
                  "processes in rotating order."]
    return lines


RENDERERS = {"throughput": render_throughput, "interventions": render_interventions, "pixels": render_pixels,
             "evaluation": render_evaluation, "torch_threads": render_torch_threads, "soak": render_soak,
             "scripted_policies": render_scripted_policies, "scripted_protocols": render_scripted_protocols,
             "learning": render_learning, "physics_profile": render_physics_profile, "vector": render_vector}


def render(record: dict | list, view: str | None = None) -> str:
    """The Markdown block (table, settings, provenance) of one result record."""
    if isinstance(record, list):  # a training run's evaluations.json: its provenance is the training command
        return "\n".join(RENDERERS[view or "learning"](record)) + "\n"
    return "\n".join([*RENDERERS[view or record["benchmark"]](record), "", provenance(record)]) + "\n"


def load(name: str) -> dict | list:
    return json.loads((RESULTS / f"{name}.json").read_text())


def rewrite(text: str) -> str:
    """``text`` with every table block rendered again from the committed JSON."""
    return BLOCK.sub(lambda m: m.group(1) + render(load(m.group("name")), m.group("view")) + m.group(6), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", nargs="*", default=None, help="Markdown files whose table blocks to rewrite")
    args = parser.parse_args()
    if args.write is None:
        for path in sorted(RESULTS.glob("*.json")):
            record = load(path.stem)
            if isinstance(record, dict) and record.get("benchmark") in RENDERERS:
                print(f"<!-- table: {path.stem} -->\n{render(record)}<!-- /table -->\n")
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
