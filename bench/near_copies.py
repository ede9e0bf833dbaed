"""Near-copies across paraphrase groups: a question written twice as two groups makes grouped
cross-validation test on a wording it trained on. Lists them, so a writer of phrasings can merge
the groups or reword; the cross-validation joins such groups anyway (`fold_groups`).

Run from the repository root: `python -m bench.near_copies en [--cut 0.8] [--file en-more.csv]`
(`--file`: only pairs with a message from that file, as the phrasings' loader reads it).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from bot.domain.understanding import NEAR_COPY, near_copies, phrasings

FOLDER = Path(__file__).resolve().parent.parent / "locales" / "phrasings"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language")
    parser.add_argument("--cut", type=float, default=NEAR_COPY)
    parser.add_argument("--file", help="only pairs with a message from this phrasings file")
    args = parser.parse_args()
    items = phrasings(args.language)
    only: set[str] | None = None
    if args.file:
        with (FOLDER / args.file).open(newline="", encoding="utf-8") as handle:
            only = {row["message"] for row in csv.DictReader(handle)}
    pairs = [
        (i, j, cosine)
        for i, j, cosine in near_copies(items, args.cut)
        if only is None or items[i].message in only or items[j].message in only
    ]
    for i, j, cosine in sorted(pairs, key=lambda pair: -pair[2]):
        a, b = items[i], items[j]
        print(f"{cosine:.2f}  {a.group} {a.message!r}  |  {b.group} {b.message!r}")
    print(f"{len(pairs)} near-copies above {args.cut} across groups ({len(items)} phrasings)")


if __name__ == "__main__":
    main()
