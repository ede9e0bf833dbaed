"""The models a bot trains in a process of its own at start-up answer as models trained here
do: a parent's question gets the same topic either way."""

from __future__ import annotations

import pytest

from bot.domain.understanding import model, read_with
from bot.text.i18n import LANGUAGES
from bot.training import trained_elsewhere

pytestmark = pytest.mark.slow  # starts a process that trains both languages (seconds)

QUESTIONS = {
    "en": ["how long can milk stay in the fridge", "my supply is dropping, what can i do"],
    "nb": ["hvor lenge kan melka stå i kjøleskapet", "hvordan får jeg mer melk"],
}


def test_models_trained_in_another_process_answer_as_these_do() -> None:
    elsewhere = trained_elsewhere()
    assert set(elsewhere) == set(LANGUAGES)
    for language, questions in QUESTIONS.items():
        for text in questions:
            theirs = read_with(elsewhere[language], text, language)
            ours = read_with(model(language), text, language)
            assert theirs.label is not None and theirs.label == ours.label, text
            assert theirs.confidence == pytest.approx(ours.confidence)
