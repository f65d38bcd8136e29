"""``python -m tests.segment_corpus [-v]``: the segmenter's score on the corpus, per phenomenon."""

from __future__ import annotations

import sys

from tests.segment_corpus import load_cases, problems, score, segment_case


def main(argv: list[str]) -> int:
    cases = load_cases()
    if "-v" in argv:
        for case in cases:
            clauses, notes = segment_case(case)
            for problem in problems(case, clauses, notes):
                print(f"{case.file}: {problem}")
    table = score(cases)
    width = max(len(k) for k in table)
    for phenomenon in sorted(table, key=lambda k: (k == "all", k)):
        passed, total = table[phenomenon]
        print(f"{phenomenon:<{width}}  {passed:>2}/{total:<2}  {100 * passed / total:5.1f} %")
    passed, total = table["all"]
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
