"""Whether the tests run in CI, where a missing prerequisite (a PostgreSQL server, the shared
sources) fails the test instead of skipping it."""

from __future__ import annotations

import os


def in_ci() -> bool:
    """`CI` is set to anything but empty, `0` or `false` (CI services set `CI=true`)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")
