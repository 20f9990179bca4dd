"""Every measured figure in README.md, docs/ and benchmarks/results/ names the script that produced it.

A section (the text under one Markdown heading) that states a measurement (a rate, a latency, a
duration, a speed-up, memory, a success figure, or a number called "measured") must cite an existing
benchmark script together with its committed raw output under ``benchmarks/results/``, or an
existing test that checks the figure. The speed tables are blocks rendered by ``benchmarks/table.py``
from the committed JSON, and must equal what it renders.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "benchmarks" / "results" / "README.md"]
GENERATED = {ROOT / "docs" / "variables.md"}
"""Generated from the code (checked by test_docs.py); it states no measurements."""

SPEED = [
    re.compile(r"\d[\d,.]*\s*(env )?(steps|episodes)\s*(/|per)\s*(s\b|sec|second|wall|CPU)", re.I),
    re.compile(r"\b\d+(\.\d+)?\s*(ms|µs)\b"),
    re.compile(r"\b\d+(\.\d+)?\s*(min|minutes|hours?)\b"),
    re.compile(r"\btook\s+(about\s+)?\d", re.I),
    re.compile(r"\b\d+(\.\d+)?x\b(?! ?\d)"),
    re.compile(r"\b\d+(\.\d+)?\s*(MB|GB|kB)\b"),
]
"""Speed, time and memory figures: only a benchmark run (script and raw output) can back them."""
OTHER = [
    re.compile(r"(success rate|fractional success)[^\n]*\b(0\.\d+|1\.00)\b", re.I),
    re.compile(r"\bmeasured\b[^.\n]*\d", re.I),
]
"""Success figures and other measured values: a benchmark run, or a test that checks them."""
MEASURED = SPEED + OTHER
SCRIPT = re.compile(r"(benchmarks/[\w./-]+\.(?:py|sh)|tests/[\w./-]+\.py)")
OUTPUT = re.compile(r"benchmarks/results/[\w./-]+")
CITED_RUN_FOLDER = re.compile(r"`(\w+)/`")
"""In benchmarks/results/README.md, runs are cited by their folder (``reaching_ppo/``)."""


def sections(path: Path) -> list[tuple[str, int, str]]:
    """(heading, first line number, text) of each section of a Markdown file; code blocks included."""
    found, heading, start, lines = [], "(top)", 1, []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if line.startswith("#") and not line.startswith("#!"):
            found.append((heading, start, "\n".join(lines)))
            heading, start, lines = line.lstrip("#").strip(), number, []
        lines.append(line)
    found.append((heading, start, "\n".join(lines)))
    return found


def claims(text: str) -> list[str]:
    """The measured-looking phrases of a text."""
    return [match.group(0) for pattern in MEASURED for match in pattern.finditer(text)]


def provenance_problems(text: str, base: Path, root: Path = ROOT) -> list[str]:
    """Why a section's figures lack provenance (empty: they have it)."""
    found = claims(text)
    if not found:
        return []
    scripts = [s for s in SCRIPT.findall(text) if (root / s).is_file()]
    missing = [s for s in SCRIPT.findall(text) if not (root / s).is_file()]
    if missing:
        return [f"cites scripts that do not exist: {missing}"]
    speed = [match.group(0) for pattern in SPEED for match in pattern.finditer(text)]
    if not speed and any(s.startswith("tests/") for s in scripts):
        return []
    scripts = [s for s in scripts if s.startswith("benchmarks/")]
    if not scripts:
        return [f"states {found[:3]} without naming the script that produced it"]
    outputs = [o.rstrip(".") for o in OUTPUT.findall(text)]
    outputs += [f"benchmarks/results/{folder}" for folder in CITED_RUN_FOLDER.findall(text)
                if base == root / "benchmarks" / "results"]
    if not any((root / o).exists() for o in outputs):
        return [f"states {found[:3]} and names {scripts} but no committed raw output under benchmarks/results/"]
    return [f"names raw output that does not exist: {o}" for o in outputs
            if not (root / o).exists() and o.startswith("benchmarks/results/") and "." in Path(o).name]


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p not in GENERATED], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_measured_figure_names_its_script_and_raw_output(path):
    problems = []
    for heading, line, text in sections(path):
        problems += [f"{path.relative_to(ROOT)}:{line} ({heading}): {problem}"
                     for problem in provenance_problems(text, path.parent)]
    assert not problems, "\n".join(problems)


def test_the_check_finds_figures_without_provenance(tmp_path):
    """The checker is not a rubber stamp: it flags what it should and passes what it should."""
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "speed.py").write_text("")
    (tmp_path / "benchmarks" / "results" / "speed.json").write_text("{}")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_fk.py").write_text("")

    def problems(text: str) -> list[str]:
        return provenance_problems(text, tmp_path, tmp_path)

    assert problems("Pushing runs 1500 env steps/s on this machine.")
    assert problems("A reset takes 4.1 ms.")
    assert problems("The soak ran 1,000,000 steps in 39 min.")
    assert problems("It is 5.6x faster than the original.")
    assert problems("| pushing | goal A | 10 | 0.90 | 0.962 |\n success rate 0.90")
    assert problems("measured error under 5 mm")
    assert problems("1500 env steps/s (`python benchmarks/speed.py`)")  # no raw output
    assert problems("1500 env steps/s (`python benchmarks/gone.py`, benchmarks/results/speed.json)")
    assert problems("1500 steps/s, `python benchmarks/speed.py`, raw output benchmarks/results/other.json")
    assert not problems("1500 env steps/s (`python benchmarks/speed.py`, raw output `benchmarks/results/speed.json`)")
    assert not problems("forward kinematics matches to 1e-6 m, measured by tests/test_fk.py")
    assert problems("SAC ran 58 env steps/s with one thread (checked by tests/test_fk.py)")  # a test backs no speed
    assert not problems("Episodes last 250 steps at skip 10; images are 128x128; dt is 1/250 s.")


def _table_module():
    spec = importlib.util.spec_from_file_location("benchmark_table", ROOT / "benchmarks" / "table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_speed_tables_are_rendered_from_the_committed_raw_output(path):
    table = _table_module()
    text = path.read_text()
    for match in table.BLOCK.finditer(text):
        assert (table.RESULTS / f"{match.group('name')}.json").is_file(), match.group("name")
    assert table.rewrite(text) == text, f"run: python benchmarks/table.py --write {path.relative_to(ROOT)}"
