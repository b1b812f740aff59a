"""Public-sector tariff tables (TVöD VKA, TVöD Bund, TV-L) and the statutory minimum wage, shipped as data.

The numbers live in `stellenatlas/refdata/data/tariffs.json`, each table with its name, validity start, source
and retrieval date, so that a page can say where a derived salary range comes from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent.parent / "refdata" / "data" / "tariffs.json"


@dataclass(frozen=True, slots=True)
class TariffTable:
    key: str  # "tvoed-vka", "tvoed-bund", "tv-l"
    name: str  # "TVöD VKA"
    valid_from: date
    source: str
    note: str
    groups: dict[str, tuple[float | None, ...]]  # "9b" -> (Stufe 1, ..., Stufe 6)

    def range_for(self, group: str) -> tuple[float, float] | None:
        """(lowest, highest existing Stufe) of an Entgeltgruppe, or None when the table has no such group."""
        steps = self.groups.get(group)
        if not steps:
            return None
        present = [s for s in steps if s is not None]
        if not present:
            return None
        return present[0], present[-1]

    @property
    def label(self) -> str:
        return f"{self.name} (gültig ab {self.valid_from:%d.%m.%Y})"


@dataclass(frozen=True, slots=True)
class MinimumWage:
    valid_from: date
    eur_per_hour: float
    source: str


@cache
def _raw() -> dict:
    with _DATA.open(encoding="utf-8") as f:
        return json.load(f)


@cache
def tables() -> dict[str, TariffTable]:
    out: dict[str, TariffTable] = {}
    for t in _raw()["tables"]:
        out[t["key"]] = TariffTable(
            key=t["key"],
            name=t["name"],
            valid_from=date.fromisoformat(t["valid_from"]),
            source=t["source"],
            note=t.get("note", ""),
            groups={g: tuple(v) for g, v in t["groups"].items()},
        )
    return out


@cache
def minimum_wages() -> tuple[MinimumWage, ...]:
    mw = _raw()["mindestlohn"]
    return tuple(
        MinimumWage(date.fromisoformat(r["valid_from"]), float(r["eur"]), mw["source"]) for r in mw["hourly"]
    )


def minimum_wage(on: date | None = None) -> MinimumWage:
    """The statutory hourly minimum wage in force on `on` (default: today)."""
    day = on or date.today()
    rows = minimum_wages()
    current = rows[0]
    for row in rows:
        if row.valid_from <= day:
            current = row
    return current


_GROUP_NORM = re.compile(r"\s+")


def normalize_group(group: str) -> str:
    """ "9 b" -> "9b", "15 Ü" -> "15Ü", "09" -> "9"."""
    g = _GROUP_NORM.sub("", group).lower().replace("ü", "Ü").replace("ue", "Ü")
    g = g.lstrip("0") or "0"
    return g


def lookup(table_key: str, group: str) -> tuple[float, float, TariffTable] | None:
    """Monthly (min, max) of Entgeltgruppe `group` in a table; "9" without letter spans 9a..9c (or 9b in TV-L)."""
    table = tables().get(table_key)
    if table is None:
        return None
    g = normalize_group(group)
    rng = table.range_for(g)
    if rng is None and g == "9":
        # Since the 2017/2020 Entgeltordnungen "E 9" was split; a posting that says only "E 9" could be any part.
        subs = [table.range_for(s) for s in ("9a", "9b", "9c")]
        present = [r for r in subs if r is not None]
        if present:
            rng = (min(r[0] for r in present), max(r[1] for r in present))
    if rng is None:
        return None
    return rng[0], rng[1], table
