"""German number formats shared by the page, its narrative and its fact sheet.

One implementation on purpose: the narrative test compares the numbers of the text with the displayed values
as strings, so both must come out of the same formatter.
"""

from __future__ import annotations

from datetime import date, datetime

# Between a number and its unit (DIN 5008 writes "44 %" with a space; it must not break there).
NBSP = "\u00a0"


def de_num(value: float | int | None, digits: int = 0) -> str:
    """12345.6 -> "12.346" (digits=0) / "12.345,6" (digits=1); None -> "–"."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def de_int(value: int | None) -> str:
    return de_num(value, 0)


def eur(value: float | None) -> str:
    """Whole euros: "4.450\u00a0€". The no-break space keeps number and unit on one line on narrow screens."""
    return "–" if value is None else f"{de_num(value)}{NBSP}€"


def pct(value: float | None) -> str:
    """A share 0..1 as whole percent: 0.4412 -> "44 %"."""
    return "–" if value is None else f"{de_num(value * 100, 0)}{NBSP}%"


def signed_pct(value: float | None) -> str:
    """A relative change as signed whole percent: 0.12 -> "+12 %", -0.05 -> "−5 %" (typographic minus)."""
    if value is None:
        return "–"
    n = round(value * 100)
    if n == 0:
        return f"±0{NBSP}%"
    return f"{'+' if n > 0 else '−'}{de_num(abs(n))}{NBSP}%"


def de_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d.%m.%Y")


def km(value: float | None) -> str:
    return "–" if value is None else f"{de_num(value, 1)}{NBSP}km"
