"""Which free-text model generalises best: feature sets, classifiers and answer rules compared
by grouped 5-fold cross-validation (sklearn GroupKFold on the phrasings' `group` column, the same
folds for every variant), per language.

Run from the repository root:
`python -m bench.understanding_variants [--only NAME ...] [--lang nb] [--rules t=0.4 m=0.1]`.

Columns: top-1 (best label right, no threshold), top-2 (right first, or among the two likeliest
topics, as the menu's buttons), then under the variant's best rule (a plain threshold t or a
margin m = p1 - p2, chosen on a grid by the cost "menu = 1, wrong answer = 2"): right (a menu
counts as not right), answered, wrong among answered; train = CPU seconds to train on all of the
language's phrasings; predict = milliseconds for one message. The rule is chosen on the same
cross-validated answers it is scored on, identically for every variant, so the comparison is
fair though the right % is a little optimistic. The outside sets are never read here.
"""

from __future__ import annotations

import argparse
import inspect
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import snowballstemmer
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from bot.domain.understanding import NOT_TOPICS, Phrasing, model_text, new_model, phrasings

FOLDS = 5
LANGUAGES = ("en", "nb")
THRESHOLDS = [round(t, 2) for t in np.arange(0.0, 0.95, 0.05)]
MARGINS = [round(m, 2) for m in np.arange(0.0, 0.85, 0.05)]
WORD_TOKENS = r"(?u)\b\w+\b|\?"

# -- text preparations --------------------------------------------------------------------------

_DIALECT = {
    "eg": "jeg",
    "ikkje": "ikke",
    "kor": "hvor",
    "ka": "hva",
    "e": "er",
}
_DIALECT_MORE = _DIALECT | {
    "kva": "hva",
    "korleis": "hvordan",
    "koss": "hvordan",
    "assen": "hvordan",
    "ikkj": "ikke",
    "itj": "ikke",
    "mæ": "meg",
    "mae": "meg",
    "dæ": "deg",
    "dae": "deg",
    "sjø": "selv",
    "no": "na",
    "noko": "noe",
    "nokon": "noen",
    "mykje": "mye",
    "berre": "bare",
    "heilt": "helt",
    "veit": "vet",
    "ska": "skal",
    "sku": "skulle",
}


def dialect(table: dict[str, str]) -> Callable[[str], str]:
    folded = {k: v for k, v in table.items()}

    def apply(text: str) -> str:
        return " ".join(folded.get(w, w) for w in text.split())

    return apply


@cache
def stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("norwegian" if language == "nb" else "english")


def stems(language: str, text: str) -> str:
    return " ".join(stemmer(language).stemWords(text.split()))


# -- models -------------------------------------------------------------------------------------


def chars(kind: str = "char_wb", lo: int = 2, hi: int = 5, **kw: object) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=kind, ngram_range=(lo, hi), sublinear_tf=True, **kw)


def words(hi: int = 2, **kw: object) -> TfidfVectorizer:
    kw.setdefault("sublinear_tf", True)
    return TfidfVectorizer(analyzer="word", ngram_range=(1, hi), token_pattern=WORD_TOKENS, **kw)


def stem_words(language: str) -> Pipeline:
    return Pipeline(
        [
            ("stem", FunctionTransformer(lambda xs: [stems(language, x) for x in xs])),
            ("tfidf", words(1)),
        ]
    )


def lr(c: float = 10.0, iters: int = 20, **kw: object) -> LogisticRegression:
    return LogisticRegression(C=c, solver="saga", max_iter=iters, tol=1e-3, random_state=0, **kw)


def svc(c: float = 0.5, ensemble: bool = True, **kw: object) -> CalibratedClassifierCV:
    svm = LinearSVC(C=c, random_state=0, **kw)
    return CalibratedClassifierCV(svm, cv=3, method="sigmoid", ensemble=ensemble)


def sgd(alpha: float = 1e-4) -> SGDClassifier:
    return SGDClassifier(loss="modified_huber", alpha=alpha, max_iter=50, tol=1e-3, random_state=0)


@dataclass(frozen=True)
class Variant:
    name: str
    build: Callable[..., Pipeline]  # (language[, groups=training rows' groups]) -> untrained
    prepare: Callable[[str, str], str] = lambda language, text: model_text(text)
    both_languages: bool = False  # train on the other language's phrasings too


def pipeline(features: list[tuple[str, object]], classifier: object) -> Pipeline:
    return Pipeline([("features", FeatureUnion(features)), ("classify", classifier)])


def base(classifier: Callable[[], object], **char_kw: object) -> Callable[[str], Pipeline]:
    return lambda language: pipeline(
        [("chars", chars(**char_kw)), ("words", words())], classifier()
    )


def nb_dialect(table: dict[str, str]) -> Callable[[str, str], str]:
    fix = dialect(table)
    return lambda language, text: fix(model_text(text)) if language == "nb" else model_text(text)


def with_stems(language: str, classifier: object | None = None) -> Pipeline:
    return pipeline(
        [("chars", chars()), ("words", words()), ("stems", stem_words(language))],
        classifier or lr(),
    )


VARIANTS = [
    Variant("chosen: understanding.new_model", lambda language, groups: new_model(groups)),
    Variant("same, calibrated without groups", lambda language: new_model()),
    Variant(
        "same, 3 calibrated SVMs averaged",
        lambda language, groups: new_model(groups).set_params(classify__ensemble=True),
    ),
    Variant("was: char_wb2-5+w1-2 LR C10", base(lr)),
    Variant("char_wb1-4", base(lr, lo=1, hi=4)),
    Variant("char_wb2-6", base(lr, hi=6)),
    Variant("char2-5 (across words)", base(lr, kind="char")),
    Variant("char2-6 (across words)", base(lr, kind="char", hi=6)),
    Variant("char_wb2-5 only", lambda language: pipeline([("chars", chars())], lr())),
    Variant("words1-2 only", lambda language: pipeline([("words", words())], lr())),
    Variant(
        "char_wb2-5+w1 (no pairs)",
        lambda language: pipeline([("chars", chars()), ("words", words(1))], lr()),
    ),
    Variant(
        "no sublinear_tf",
        lambda language: pipeline(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
                ("words", words(sublinear_tf=False)),
            ],
            lr(),
        ),
    ),
    Variant("min_df=2", base(lr, min_df=2)),
    Variant("max_features=20000", base(lr, max_features=20000)),
    Variant("LR C3", base(lambda: lr(3.0))),
    Variant("LR C30", base(lambda: lr(30.0))),
    Variant("LR C100", base(lambda: lr(100.0))),
    Variant("LR C30 100 passes", base(lambda: lr(30.0, 100))),
    Variant("LR C10 balanced", base(lambda: lr(class_weight="balanced"))),
    Variant("LinearSVC C0.5 +sigmoid", base(svc)),
    Variant("LinearSVC C0.2 +sigmoid", base(lambda: svc(0.2))),
    Variant("LinearSVC C1 +sigmoid", base(lambda: svc(1.0))),
    Variant("SGD modified_huber a1e-4", base(sgd)),
    Variant("SGD modified_huber a3e-5", base(lambda: sgd(3e-5))),
    Variant("ComplementNB a0.1", base(lambda: ComplementNB(alpha=0.1))),
    Variant("ComplementNB a0.3", base(lambda: ComplementNB(alpha=0.3))),
    Variant("nb dialect (5 words)", base(lr), nb_dialect(_DIALECT)),
    Variant("nb dialect (more words)", base(lr), nb_dialect(_DIALECT_MORE)),
    Variant("+snowball stems", with_stems),
    Variant("+stems +dialect", with_stems, nb_dialect(_DIALECT)),
    Variant("both languages, one model", base(lr), both_languages=True),
    Variant(
        "vote: LR C10 + LinearSVC",
        base(lambda: VotingClassifier([("lr", lr()), ("svc", svc())], voting="soft")),
    ),
    Variant("LinearSVC C2 +sigmoid", base(lambda: svc(2.0))),
    Variant("LinearSVC C1 +sigmoid one", base(lambda: svc(1.0, ensemble=False))),
    Variant("LinearSVC C0.5 +sigmoid one", base(lambda: svc(0.5, ensemble=False))),
    Variant("LinearSVC C2 +sigmoid one", base(lambda: svc(2.0, ensemble=False))),
    Variant("LinearSVC C1 one char_wb1-4", base(lambda: svc(1.0, ensemble=False), lo=1, hi=4)),
    Variant(
        "LinearSVC C1 one both languages",
        base(lambda: svc(1.0, ensemble=False)),
        both_languages=True,
    ),
    Variant(
        "LinearSVC C1 one +dialect", base(lambda: svc(1.0, ensemble=False)), nb_dialect(_DIALECT)
    ),
    Variant("LinearSVC C1 +sigmoid balanced", base(lambda: svc(1.0, class_weight="balanced"))),
    Variant(
        "LinearSVC C1 +isotonic",
        base(lambda: CalibratedClassifierCV(LinearSVC(C=1.0, random_state=0), method="isotonic")),
    ),
    Variant("LinearSVC C1 char_wb2-6", base(lambda: svc(1.0), hi=6)),
    Variant("LinearSVC C1 char_wb1-4", base(lambda: svc(1.0), lo=1, hi=4)),
    Variant("LinearSVC C1 +dialect", base(lambda: svc(1.0)), nb_dialect(_DIALECT)),
    Variant("LinearSVC C1 +stems", lambda language: with_stems(language, svc(1.0))),
    Variant("LinearSVC C1 both languages", base(lambda: svc(1.0)), both_languages=True),
    Variant(
        "vote: LR C10 + SGD",
        base(lambda: VotingClassifier([("lr", lr()), ("sgd", sgd())], voting="soft")),
    ),
]

# -- cross-validation -----------------------------------------------------------------------------


def fit(model: Pipeline, texts: list[str], labels: list[str]) -> Pipeline:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        model.fit(texts, labels)
    return model


def folds(items: list[Phrasing]) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(GroupKFold(n_splits=FOLDS).split(items, groups=[p.group for p in items]))


@dataclass
class Result:
    labels: list[str]
    classes: list[str]
    probabilities: np.ndarray  # one row per phrasing, in phrasing order
    train_seconds: float
    predict_ms: float


def build(variant: Variant, language: str, groups: list[str]) -> Pipeline:
    """The variant's untrained model; a builder with a `groups` parameter gets the groups."""
    if "groups" in inspect.signature(variant.build).parameters:
        return variant.build(language, groups)
    return variant.build(language)


def cross_validate(variant: Variant, language: str) -> Result:
    items = phrasings(language)
    other = [p for lang in LANGUAGES if lang != language for p in phrasings(lang)]
    texts = [variant.prepare(language, p.message) for p in items]
    other_texts = [variant.prepare(language, p.message) for p in other]
    labels = [p.label for p in items]
    classes = sorted(set(labels) | ({p.label for p in other} if variant.both_languages else set()))
    probabilities = np.zeros((len(items), len(classes)))
    for train, test in folds(items):
        train_texts = [texts[i] for i in train]
        train_labels = [labels[i] for i in train]
        if variant.both_languages:
            train_texts += other_texts
            train_labels += [p.label for p in other]
        train_groups = [items[i].group for i in train]
        if variant.both_languages:
            train_groups += [p.group for p in other]
        model = fit(build(variant, language, train_groups), train_texts, train_labels)
        columns = [classes.index(c) for c in model.classes_]
        probabilities[np.ix_(test, columns)] = model.predict_proba([texts[i] for i in test])
    all_texts = texts + (other_texts if variant.both_languages else [])
    all_labels = labels + ([p.label for p in other] if variant.both_languages else [])
    all_groups = [p.group for p in items + (other if variant.both_languages else [])]
    started = time.process_time()
    model = fit(build(variant, language, all_groups), all_texts, all_labels)
    train_seconds = time.process_time() - started
    started = time.perf_counter()
    for text in texts[:100]:
        model.predict_proba([variant.prepare(language, text)])
    predict_ms = (time.perf_counter() - started) * 10
    return Result(labels, classes, probabilities, train_seconds, predict_ms)


@dataclass(frozen=True)
class Score:
    top1: float
    top2: float
    rule: str
    right: float
    answered: float
    wrong: float  # among answered

    @property
    def cost(self) -> float:
        return (1 - self.answered) + 2 * self.answered * self.wrong


def scores(result: Result) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Per phrasing: best label right, p1, p1 - p2; and top-1, top-2 shares."""
    order = np.argsort(-result.probabilities, axis=1)
    truth = np.array([result.classes.index(label) for label in result.labels])
    best = order[:, 0]
    p = np.take_along_axis(result.probabilities, order, axis=1)
    right = best == truth
    topics = [i for i, c in enumerate(result.classes) if c not in NOT_TOPICS]
    in_two = []
    for row, t in zip(order, truth, strict=True):
        likely = [i for i in row if i in topics][:2]
        in_two.append(row[0] == t or t in likely)
    return right, p[:, 0], p[:, 0] - p[:, 1], float(right.mean()), float(np.mean(in_two))


def rule_score(right: np.ndarray, value: np.ndarray, cut: float) -> tuple[float, float, float]:
    answered = value >= cut
    n_answered = answered.sum()
    wrong = float((answered & ~right).sum() / n_answered) if n_answered else 0.0
    return float((answered & right).mean()), float(answered.mean()), wrong


def best_rules(result: Result) -> list[Score]:
    """The best plain threshold and the best margin, by cost."""
    right, p1, margin, top1, top2 = scores(result)
    out = []
    for name, value, grid in (("t", p1, THRESHOLDS), ("m", margin, MARGINS)):
        candidates = [
            Score(top1, top2, f"{name}={cut:.2f}", *rule_score(right, value, cut)) for cut in grid
        ]
        out.append(min(candidates, key=lambda s: s.cost))
    return out


def at_rule(result: Result, rule: str) -> Score:
    right, p1, margin, top1, top2 = scores(result)
    kind, cut = rule.split("=")
    return Score(top1, top2, rule, *rule_score(right, p1 if kind == "t" else margin, float(cut)))


def row(language: str, name: str, s: Score, result: Result) -> str:
    return (
        f"{language:3} {name:30} {s.top1:6.1%} {s.top2:6.1%}  {s.rule:7} {s.right:6.1%} "
        f"{s.answered:8.1%} {s.wrong:6.1%} {result.train_seconds:6.2f} {result.predict_ms:7.2f}"
    )


HEADER = (
    f"{'':3} {'variant':30} {'top-1':>6} {'top-2':>6}  {'rule':7} {'right':>6} "
    f"{'answered':>8} {'wrong':>6} {'train':>6} {'predict':>7}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="variant names containing any of these")
    parser.add_argument("--lang", nargs="*", default=list(LANGUAGES))
    parser.add_argument("--rules", nargs="*", default=[], help="also fixed rules: t=0.4 m=0.1")
    args = parser.parse_args()
    chosen = [v for v in VARIANTS if not args.only or any(o in v.name for o in args.only)]
    print(HEADER)
    for language in args.lang:
        for variant in chosen:
            result = cross_validate(variant, language)
            for score in best_rules(result) + [at_rule(result, r) for r in args.rules]:
                print(row(language, variant.name, score, result), flush=True)


if __name__ == "__main__":
    main()
