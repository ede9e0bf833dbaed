"""The docs cannot drift from the code where a test can tell: every setting documented, every
module of the assembly and the scheduler named in the design, the README kept a front door, and
the benchmarks page written by the benchmark. (`mkdocs build --strict` in CI checks the links.)
"""

from __future__ import annotations

import ast
from pathlib import Path

from bench.__main__ import PAGE_NOTE

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README_MAX_LINES = 250


def settings_read_by_the_bot() -> set[str]:
    """Every `env.get("NAME")` in bot/config.py: the environment variables the bot reads."""
    tree = ast.parse((ROOT / "bot" / "config.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "env"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_every_setting_the_bot_reads_is_in_the_configuration_page() -> None:
    page = (DOCS / "configuration.md").read_text(encoding="utf-8")
    settings = settings_read_by_the_bot()
    assert "BOT_TOKEN" in settings and "WEBHOOK_SECRET" in settings  # the reader finds them
    missing = {name for name in settings if f"| `{name}` |" not in page}
    assert missing == set(), f"add these to the table in docs/configuration.md: {missing}"


def test_every_module_of_the_scheduler_and_of_bot_is_named_in_the_design() -> None:
    design = (DOCS / "design.md").read_text(encoding="utf-8")
    modules = [
        path
        for folder in (ROOT / "bot", ROOT / "scheduler")
        for path in sorted(folder.glob("*.py"))
        if path.stem not in ("__init__", "__main__")
    ]
    missing = {str(path.relative_to(ROOT)) for path in modules if f"`{path.name}`" not in design}
    assert missing == set(), f"say what these do in docs/design.md, The layout: {missing}"


def test_the_readme_is_a_front_door() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < README_MAX_LINES
    # The docs' home page and running page include these sections from the README itself.
    for section in ("quickstart", "about", "commands"):
        assert f"--8<-- [start:{section}]" in readme
        assert f"--8<-- [end:{section}]" in readme


def test_the_benchmarks_page_is_what_the_benchmark_writes() -> None:
    lines = (DOCS / "benchmarks.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# Benchmarks"
    assert PAGE_NOTE in lines
    made = next(line for line in lines if line.startswith("Made by"))
    assert made.startswith("Made by `python -m bench --markdown`")
    assert " UTC, on " in made  # when, and on what machine
    assert any(line.startswith("| scenario") for line in lines)
