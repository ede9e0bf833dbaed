"""Trained free-text models kept on disk, so a restart loads them instead of training again.

Why: training both languages' models takes about 25 s of CPU (12.5 s a language, 2026-12-06),
and every start paid it, in a low-priority process beside the bot (`bot.training`). On the
2-core bench machine that process shared the CPU with everything a fresh start does: three
instances started at once trained three times while 1,200 reminders fell due, and the fan-out
rows fell to 26-28 a second against 28; the chart process was slowed the same way (/report 30
1.9 s against 0.35-0.55 s after training). Loading a kept model takes about 25 ms a language
(16.6 MB pickled).

A model is kept under a key made of everything it is made from: its phrasings, the source of
`bot.domain.understanding` (the features, the classifier and their settings) and the versions of
Python and the libraries that pickle it. Any change to those is a new key, so a stale model is
never loaded; older files are removed when a new one is written. The files are pickles, loaded
only from the bot's own data directory (`MODEL_CACHE_DIR`, by default `<DATA_DIR>/models`),
which holds its SQLite database too: whoever can write there can change the bot's data anyway.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain import understanding

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

log = logging.getLogger(__name__)

LIBRARIES = ("scikit-learn", "scipy", "numpy")


def model_key(language: str) -> str:
    """What the language's model is made from, hashed: phrasings, code, versions."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for library in LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}".encode())
    digest.update(Path(understanding.__file__).read_bytes())
    for item in understanding.phrasings(language):
        digest.update(f"{item.group}\t{item.label}\t{item.message}\n".encode())
    return digest.hexdigest()[:32]


def _path(folder: Path, language: str) -> Path:
    return folder / f"model-{language}-{model_key(language)}.pickle"


def load_model(folder: Path, language: str) -> Pipeline | None:
    """The kept model for the language as it is now, or None (none kept, or unreadable)."""
    path = _path(folder, language)
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # type: ignore[no-any-return]  # our own file, see above
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        log.warning("Kept model %s could not be read (%s); training it", path.name, error)
        return None


def keep_model(folder: Path, language: str, fitted: Pipeline) -> None:
    """Write the model under its key (whole or not at all), and remove the language's older
    ones. A failure is logged: the bot trains again at its next start, nothing worse."""
    path = _path(folder, language)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as handle:
            pickle.dump(fitted, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
        for older in folder.glob(f"model-{language}-*.pickle"):
            if older != path:
                older.unlink(missing_ok=True)
    except OSError as error:
        log.warning("Model for %s not kept (%s)", language, error)
