"""The layout is the architecture: imports point one way and never in a circle.

Reads every module's imports (those inside functions too) with `ast`, so a cycle hidden behind
a late import is still found.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "scheduler")
# The composition root: builds the Application from handlers and scheduler.
ASSEMBLY = {"bot.app", "bot.cli", "bot.__main__", "bot.terminal.chat"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules a module imports (for `from a import b`, a.b when it is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(path, set(known)) - {name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_among_bot_handlers_and_scheduler() -> None:
    assert cycles(graph()) == []


def test_bot_never_imports_handlers_or_scheduler_outside_the_assembly() -> None:
    wrong = {
        (module, target)
        for module, targets in graph().items()
        if module.startswith("bot") and module not in ASSEMBLY
        for target in targets
        if target.split(".")[0] in ("handlers", "scheduler")
    }
    assert wrong == set()


def test_domain_and_text_stay_pure() -> None:
    """Domain and text modules take values and return values: no Telegram, no database
    session, no application services. They may use the stored models as plain data."""
    allowed_storage = {"bot.storage", "bot.storage.models"}
    wrong = set()
    for module, path in modules().items():
        if not module.startswith(("bot.domain", "bot.text")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                name = node.module
            elif isinstance(node, ast.Import):
                name = node.names[0].name
            else:
                continue
            top = name.split(".")[0]
            if top in ("telegram", "sqlmodel", "sqlalchemy", "handlers", "scheduler"):
                wrong.add((module, name))
            if name.startswith("bot.storage") and name not in allowed_storage:
                wrong.add((module, name))
            if name in ("bot.app", "bot.services", "bot.logbook", "bot.cli"):
                wrong.add((module, name))
            # the domain may name catalogue messages (N_), nothing that renders
            domain_renders = name.startswith("bot.text") and name != "bot.text.i18n"
            if module.startswith("bot.domain") and domain_renders:
                wrong.add((module, name))
    assert wrong == set()


IMPURE = (
    "telegram",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "handlers",
    "scheduler",
    "matplotlib",
    "multiprocessing",  # a module that starts processes (bot.training) is no pure one
    "pickle",  # nor one that keeps objects in files (bot.modelcache)
    "httpx2",  # nor one that picks the HTTP client (bot.http_client)
)
IMPURE_BOT = ("bot.services", "bot.storage.db", "bot.storage.repo", "bot.app")
# Pure by nature but not domain or text: settings read once, the wall clock, the command line's
# own texts, the callback data's format, and the catalogues' extractor.
PURE_ELSEWHERE = {
    "bot",
    "bot.__main__",
    "bot.buttons",
    "bot.clock",
    "bot.commands",
    "bot.config",
    "bot.domain",
    "bot.storage",
    "bot.storage.models",
    "bot.text",
    "bot.logs",
    "bot.terminal",
    "handlers",
    "scheduler",
}


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_pure_module_lives_in_domain_or_text() -> None:
    """A module that needs no Telegram, database or application services takes values and
    returns values: its place is `bot/domain` (rules) or `bot/text` (wording), where the test
    above keeps it pure. Jobs stay in `scheduler/`, handlers in `handlers/`."""
    stray = set()
    for module, path in modules().items():
        if module.startswith(("bot.domain.", "bot.text.")) or module in PURE_ELSEWHERE:
            continue
        names = imported_names(path)
        impure = any(n.split(".")[0] in IMPURE for n in names) or any(
            n.startswith(IMPURE_BOT) for n in names
        )
        if not impure:
            stray.add(module)
    assert stray == set()
