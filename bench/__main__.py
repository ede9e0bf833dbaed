"""`python -m bench` runs the benchmarks and prints one table.

python -m bench                      # everything
python -m bench --only logging       # one scenario: fanout, restart, logging, history
python -m bench --chats 1000         # fan-out size
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass

from bench.processes import BENCH_TOKEN
from bot.logs import configure_logging


@dataclass
class Row:
    scenario: str
    measure: str
    value: str
    target: str = ""
    met: bool | None = None


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line)
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {sys.platform}"


def print_table(rows: list[Row]) -> None:
    header = ("scenario", "measure", "value", "target", "met")
    cells = [header] + [
        (
            r.scenario,
            r.measure,
            r.value,
            r.target,
            "" if r.met is None else ("yes" if r.met else "NO"),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for index, row in enumerate(cells):
        print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("-+-".join("-" * width for width in widths))


def logging_rows(args: argparse.Namespace) -> list[Row]:
    from bench import logging_load

    bot, echo = asyncio.run(logging_load.run())
    ratio = bot.per_second / echo.per_second if echo.per_second else 0.0
    return [
        Row(
            "logging", "pumpbot messages/s", f"{bot.per_second:.1f} ({bot.replies}/{bot.messages})"
        ),
        Row(
            "logging",
            "echo bot messages/s",
            f"{echo.per_second:.1f} ({echo.replies}/{echo.messages})",
        ),
        Row("logging", "pumpbot / echo throughput", f"{ratio:.0%}", ">= 50%", ratio >= 0.5),
        Row(
            "logging",
            "pumpbot p50 / p99 latency",
            f"{bot.p50_ms:.0f} / {bot.p99_ms:.0f} ms",
            "p99 < 100 ms",
            bot.p99_ms < 100,
        ),
        Row("logging", "echo p50 / p99 latency", f"{echo.p50_ms:.0f} / {echo.p99_ms:.0f} ms"),
    ]


SCENARIOS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "logging": logging_rows,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--chats", type=int, default=3000, help="chats in the fan-out scenario")
    args = parser.parse_args()
    configure_logging("WARNING", [BENCH_TOKEN])  # the fake server logs URLs, token included
    rows: list[Row] = []
    for name in args.only or list(SCENARIOS):
        rows.extend(SCENARIOS[name](args))
    print(f"machine: {machine()}")
    print_table(rows)
    return 0 if all(row.met is not False for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
