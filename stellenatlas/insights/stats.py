"""Small, pure statistics helpers: every figure leaves here with the sample it was computed from."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Quartiles:
    n: int
    q25: float
    median: float
    q75: float
    minimum: float
    maximum: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def quartiles(values: Sequence[float]) -> Quartiles | None:
    """Quartiles by the inclusive method (the one spreadsheets call QUARTILE.INKL); None for an empty sample."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    if len(data) == 1:
        v = data[0]
        return Quartiles(1, v, v, v, v, v)
    q25, q50, q75 = statistics.quantiles(data, n=4, method="inclusive")
    return Quartiles(len(data), round(q25, 2), round(q50, 2), round(q75, 2), data[0], data[-1])


def round_eur(value: float, step: int = 50) -> int:
    """Salaries are shown rounded to 50 € so that the page does not pretend a precision the sample lacks."""
    return int(round(value / step) * step)


def share(part: int, whole: int) -> float | None:
    return None if whole <= 0 else round(part / whole, 4)


def change(now: int, before: int) -> float | None:
    """Relative change now vs. before; None when there is no base to compare with."""
    return None if before <= 0 else round((now - before) / before, 4)
