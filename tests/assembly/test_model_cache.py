"""Kept models (bot/modelcache.py): a restart loads the model it trained before, and never one
made from other phrasings or other code."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from bot import modelcache
from bot.domain import understanding
from bot.domain.understanding import Phrasing
from bot.modelcache import keep_model, load_model

PHRASINGS = [
    Phrasing("a", "storing_milk", "how long can milk stay in the fridge"),
    Phrasing("b", "power_pumping", "what is power pumping"),
]


def small_model() -> Pipeline:
    model = Pipeline([("words", TfidfVectorizer()), ("classify", LinearSVC())])
    return model.fit([p.message for p in PHRASINGS], [p.label for p in PHRASINGS])


@pytest.fixture
def phrasings(monkeypatch: pytest.MonkeyPatch) -> list[Phrasing]:
    current = list(PHRASINGS)
    monkeypatch.setattr(understanding, "phrasings", lambda _language: current)
    return current


def test_a_kept_model_is_loaded_and_answers_as_it_did(
    tmp_path: Path, phrasings: list[Phrasing]
) -> None:
    assert load_model(tmp_path, "en") is None  # nothing kept yet: train
    keep_model(tmp_path, "en", small_model())
    loaded = load_model(tmp_path, "en")
    assert loaded is not None
    assert list(loaded.predict(["fridge milk how long"])) == ["storing_milk"]
    assert load_model(tmp_path, "nb") is None  # each language its own


def test_a_model_from_other_phrasings_or_code_is_not_loaded(
    tmp_path: Path, phrasings: list[Phrasing], monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_model(tmp_path, "en", small_model())
    phrasings.append(Phrasing("c", "chatter", "thank you"))
    assert load_model(tmp_path, "en") is None  # a new phrasing: trained again
    keep_model(tmp_path, "en", small_model())
    assert len(list(tmp_path.glob("model-en-*.pickle"))) == 1  # the older one removed
    monkeypatch.setattr(modelcache, "LIBRARIES", ("scikit-learn", "scipy"))
    assert load_model(tmp_path, "en") is None  # other versions: trained again


def test_an_unreadable_kept_model_is_trained_again(
    tmp_path: Path, phrasings: list[Phrasing]
) -> None:
    keep_model(tmp_path, "en", small_model())
    [kept] = tmp_path.glob("model-en-*.pickle")
    kept.write_bytes(kept.read_bytes()[:100])  # cut short (a disk filled up)
    assert load_model(tmp_path, "en") is None
