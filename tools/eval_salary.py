"""Precision / recall of `parse_salary` against the hand-labelled table.

A prediction is correct when min, max and period (and currency) all match the label, numbers within 0.5 %.
precision = correct / predicted, recall = correct / labelled-with-salary. Rows labelled "no salary" that get a
prediction count as predicted-but-wrong (they lower precision).

Usage: python tools/eval_salary.py [--show-errors]
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stellenatlas.normalize.salary import parse_salary  # noqa: E402

TABLE = ROOT / "tests" / "normalize" / "data" / "salary_labelled.csv"
# Minimum-wage rows are labelled with the rate in force on this day (13.90 €/h from 2026-01-01).
EVAL_DAY = date(2026, 6, 1)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.005 * max(abs(a), abs(b), 1e-9)


def _num(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


def evaluate(show_errors: bool = False) -> dict[str, float]:
    predicted = correct = labelled = rows = 0
    errors: list[str] = []
    with TABLE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows += 1
            exp_period = row["period"].strip()
            got = parse_salary(row["text"], on=EVAL_DAY)
            if exp_period:
                labelled += 1
            if got is None:
                if exp_period:
                    errors.append(f"MISS  {row['text']!r} expected {row['min']}-{row['max']} {exp_period}")
                continue
            predicted += 1
            ok = (
                bool(exp_period)
                and got.period.value == exp_period
                and (row["currency"] or "EUR") == got.currency
                and _close(got.min, _num(row["min"]))
                and _close(got.max, _num(row["max"]))
            )
            if ok:
                correct += 1
            else:
                errors.append(
                    f"WRONG {row['text']!r} got {got.min}-{got.max} {got.period.value} {got.currency}"
                    f" expected {row['min']}-{row['max']} {exp_period or 'none'}"
                )
    precision = correct / predicted if predicted else 0.0
    recall = correct / labelled if labelled else 0.0
    print(f"rows={rows} labelled_with_salary={labelled} predicted={predicted} correct={correct}")
    print(f"precision={precision:.4f} recall={recall:.4f}")
    if show_errors:
        for e in errors:
            print(e)
    return {"precision": precision, "recall": recall, "rows": rows}


if __name__ == "__main__":
    evaluate(show_errors="--show-errors" in sys.argv)
