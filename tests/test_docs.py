import pathlib

from causalworld.env import variable_docs

ROOT = pathlib.Path(__file__).parents[1]


def test_variable_table_in_the_docs_is_generated_from_the_registry():
    committed = (ROOT / "docs" / "variables.md").read_text()
    assert committed == variable_docs.document(), "run: python -m causalworld.env.variable_docs"


def test_variable_table_lists_every_task_and_key_variables():
    text = (ROOT / "docs" / "variables.md").read_text()
    for task in ("pushing", "reaching"):
        assert f"## {task}" in text
    assert "| `tool_block.mass` | () | kg | [0.015] .. [0.045] | [0.045] .. [0.1] | yes |" in text
    assert "| `gravity` | (3,) | m/s^2, world frame |" in text and "| extended |" in text
