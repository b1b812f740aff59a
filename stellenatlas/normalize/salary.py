"""Salary text -> `Salary`: explicit amounts, public-sector tariff groups and the statutory minimum wage.

Design: numbers are only taken as money when something marks them as money (a currency, a "k"/"T€"
multiplier, "brutto"/"netto" right after, or a salary word right before). That one rule keeps phone numbers,
dates, postcodes, team sizes, years of experience, hours and percentages out without listing them all.
Every regex here is linear (no nested unbounded quantifiers) and the input is capped, so hostile text
cannot make it slow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from stellenatlas.domain.models import Salary, SalaryPeriod
from stellenatlas.normalize import tariffs
from stellenatlas.normalize.prefix_search import PrefixSearch

MAX_CHARS = 20_000  # salary statements sit near the top or in a short field; more text only costs time

BOUNDS: dict[SalaryPeriod, tuple[float, float]] = {
    SalaryPeriod.HOUR: (8.0, 200.0),
    SalaryPeriod.MONTH: (500.0, 30_000.0),
    SalaryPeriod.YEAR: (6_000.0, 400_000.0),
}

# German thousands ("45.000", "45 000" with (narrow) no-break space, "45'000" Swiss) or plain numbers
# with up to two decimals. The look-arounds stop a match from starting or ending inside a longer digit run
# or a date ("01.03.2026" gives no number at all).
_NUM = re.compile(
    r"(?<![\w.,])"
    r"(\d{1,3}(?:[.'\u00a0\u202f]\d{3})+(?:,\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?: \d{3})+(?=\s*(?:€|eur|chf))|\d{1,7}(?:[.,]\d{1,2})?)"
    r"(,-{1,2}|,–)?"
    r"(?![\d])(?![.,]\d)",
    re.IGNORECASE,
)
_CUR = r"(?:€|eur(?:o)?\b|chf\b|sfr\.?|fr\.)"
_SUFFIX = re.compile(
    r"\s?(?P<mult>k|tsd\.?|tausend|t(?=\s?(?:€|eur)))?\s?(?P<cur>€|eur(?:o|os)?\b|chf\b|sfr\.?|fr\.(?!\s?\d))?",
    re.IGNORECASE,
)
_CUR_BEFORE = re.compile(r"(?:€|eur(?:o)?|chf|sfr\.?)\s?$", re.IGNORECASE)
_CONNECTOR = re.compile(r"\s*(?:-|–|—|bis(?:\s+zu)?|und|to)\s*(?:€|eur(?:o)?|chf)?\s?", re.IGNORECASE)
_BEFORE_MIN = re.compile(
    r"(?:\bab|\bmindestens|\bmind\.|\bmin\.|\bnicht\s+unter|\bstarting\s+at)\s*$", re.IGNORECASE
)
_BEFORE_MAX = re.compile(r"(?:\bbis\s+(?:zu\s+)?|\bmax\.|\bmaximal|\bhöchstens|\bup\s+to)\s*$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bzwischen\s*$", re.IGNORECASE)
_SALARY_WORD = re.compile(
    r"(?:gehalt|gehälter|vergütung|verguetung|lohn|entgelt|verdienst|bezahlung|einkommen|salär|salary|"
    r"gehaltsspanne|gehaltsrahmen|jahresbrutto|monatsbrutto|bruttojahres|brutto)",
    re.IGNORECASE,
)
_GROSS_AFTER = re.compile(r"^\s?(?:€|eur(?:o)?)?\s?(?:brutto|netto)", re.IGNORECASE)
_NET = re.compile(r"\bnetto\b", re.IGNORECASE)
# Money that is not pay: a bonus, a ticket subsidy, a referral premium ...
_BENEFIT = re.compile(
    r"(?:prämie|praemie|bonus|zuschuss|zuschüsse|urlaubsgeld|weihnachtsgeld|sonderzahlung|provision|"
    r"jobticket|deutschlandticket|gutschein|sachbezug|vermögenswirksam|vwl\b|kita|fahrtkosten|essens|"
    r"umzug|jobrad|fahrrad|zulage|startgeld|handgeld|budget|kaution|gebühr|miete|kosten|umsatz|"
    r"rabatt|beitrag|beiträge|weiterbildungs|guthaben|spende|investition|finanzierung|förderung)",
    re.IGNORECASE,
)
# "Std./Woche", "Stunden pro Woche" are working hours, not an hourly wage.
_WEEK = r"(?!\.?\s?/\s?w|\.?\s?(?:pro|je|in\s+der|die|/)?\s?woche|\.?\s?wöchentlich)"
_HOUR = rf"(?:stundenlohn|stundensatz|stündlich|\bstunden?\b{_WEEK}|\bstd\b{_WEEK}\.?|/\s?h\b|\bpro\s+h\b|\bje\s+h\b)"
_MONTH = r"(?:monat|mtl\b|/\s?mo?\b|\bp\.\s?m\.|\bpro\s+m\b)"
_YEAR = r"(?:jahresgehalt|jahreszielgehalt|jahresbrutto|bruttojahr|jährlich|jaehrlich|\bjahr\b(?!e)|\bjahr(?=es)|\bp\.\s?a\.?|\bpa\b|per\s+anno|/\s?a\b|/\s?jahr|annual|per\s+year|im\s+jahr)"
_PERIOD = re.compile(rf"(?P<h>{_HOUR})|(?P<m>{_MONTH})|(?P<y>{_YEAR})", re.IGNORECASE)
_LIST_SEP = re.compile(r"[,;+·(]|\bund\b|\bzzgl\.|\bplus\b")
_BREAK = re.compile(r"[\n;|•]|\.\s+[A-ZÄÖÜ]")

# Tariff groups: "E 9b", "EG13", "Entgeltgruppe 8", optional range "E 9a/9b", "EG 10 bis 11".
_GROUP = re.compile(
    r"(?<![\w-])(?:entgeltgruppen?|entgeltgr\.|eg|e)\s?(\d{1,2})\s?([abc]\b|ü|ue\b)?"
    r"(?:\s?(?:/|-|–|bis|oder|bzw\.?)\s?(?:eg|e)?\s?(\d{1,2})\s?([abc]\b|ü)?)?(?![\d,.]\d)",
    re.IGNORECASE,
)
_TARIFF = re.compile(
    r"(?<![\w])(?:(?P<tvoed>tv[öo]e?d)(?:[\s(-]{0,3}(?P<kind>vka|bund|k\b|b\b|v\b|sue|s\b|p\b|pflege))?"
    r"|(?P<tvl>tv[\s-]?l)(?![\w])|(?P<other>tv[\s-]?h|tv[\s-]?v|tv[\s-]?n\w*|avr\w*|tv[\s-]?ärzte|tv-?ä|bat\b|kavo|tvad|tv\s?ad))",
    re.IGNORECASE,
)
_MINDESTLOHN = PrefixSearch(re.compile(r"(?<!pflege)(?<!branchen)(?<!branchen-)mindestlohn", re.IGNORECASE))
_ABOVE = re.compile(r"(?:über|oberhalb|mehr\s+als)\s+(?:dem\s+)?(?:gesetzlichen\s+)?$", re.IGNORECASE)


# Where a match of _NUM / _GROUP can start. Both patterns open with a look-behind, which makes `re` try them at
# every character; these finders start with the first character itself (so `re` scans for it at C speed) and
# check the same look-behind over it. Every match of the pattern starts at such a place, so `_guided` yields
# exactly the pattern's finditer() (neither pattern can match the empty string).
_NUM_START = re.compile(r"\d(?<![\w.,]\d)", re.IGNORECASE)
_GROUP_START = re.compile(r"e(?<![\w-]e)", re.IGNORECASE)


def _guided(pattern: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    pos = 0
    while (s := starts.search(text, pos)) is not None:
        m = pattern.match(text, s.start())
        if m is None:
            pos = s.start() + 1
            continue
        yield m
        pos = m.end()


@dataclass(slots=True)
class _Num:
    value: float
    start: int
    end: int  # after any multiplier / currency suffix
    mult: float
    currency: str  # "" when none


def _parse_number(raw: str) -> float | None:
    s = raw.replace("'", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".")
    elif "," in s:
        whole, frac = s.rsplit(",", 1)
        s = whole + ("." + frac if len(frac) <= 2 else frac)
    elif "." in s:
        parts = s.split(".")
        if len(parts) > 2 or len(parts[-1]) == 3:
            s = "".join(parts)
    try:
        return float(s)
    except ValueError:
        return None


def _currency_code(token: str) -> str:
    t = token.lower()
    if t.startswith(("chf", "sfr", "fr")):
        return "CHF"
    return "EUR"


def _numbers(text: str) -> list[_Num]:
    out: list[_Num] = []
    for m in _guided(_NUM, _NUM_START, text):
        value = _parse_number(m.group(1))
        if value is None:
            continue
        end = m.end()
        mult = 1.0
        currency = ""
        sm = _SUFFIX.match(text, end)
        if sm:
            if sm.group("mult"):
                nxt = text[sm.end("mult") : sm.end("mult") + 1]
                # "45k" but not "45 km"; "T€" only with the currency
                if not (nxt.isalpha() and sm.group("mult").lower() == "k"):
                    mult = 1000.0
            if sm.group("cur"):
                currency = _currency_code(sm.group("cur"))
            if mult != 1.0 or currency:
                end = sm.end()
        if not currency:
            cb = _CUR_BEFORE.search(text, max(0, m.start() - 6), m.start())
            if cb:
                currency = _currency_code(cb.group(0).strip())
        out.append(_Num(value, m.start(), end, mult, currency))
    return out


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 80)
    for b in _BREAK.finditer(text, lo, start):
        lo = b.end() - (1 if b.group(0)[-1:].isupper() else 0)
    hi_m = _BREAK.search(text, end, min(len(text), end + 80))
    hi = hi_m.start() + 1 if hi_m else min(len(text), end + 80)
    return lo, hi


def _period(text: str, start: int, end: int) -> SalaryPeriod | None:
    lo, hi = _clause_bounds(text, start, end)
    after = _PERIOD.search(text, end, min(hi, end + 45))
    m = after
    if m is None:
        before = list(_PERIOD.finditer(text, max(lo, start - 60), start))
        m = before[-1] if before else None
    if m is None:
        return None
    if m.group("h"):
        return SalaryPeriod.HOUR
    if m.group("m"):
        return SalaryPeriod.MONTH
    return SalaryPeriod.YEAR


def _in_bounds(value: float | None, period: SalaryPeriod) -> bool:
    if value is None:
        return True
    lo, hi = BOUNDS[period]
    return lo <= value <= hi


def _from_amounts(text: str) -> Salary | None:
    nums = _numbers(text)
    i = 0
    while i < len(nums):
        a = nums[i]
        b: _Num | None = None
        if i + 1 < len(nums):
            cand = nums[i + 1]
            gap = text[a.end : cand.start]
            if len(gap) <= 12 and _CONNECTOR.fullmatch(gap):
                conn = gap.strip().lower()
                if not conn.startswith("und") or _BETWEEN.search(text, max(0, a.start - 12), a.start):
                    b = cand
        first, last = a, (b or a)
        salary = _candidate(text, first, b)
        if salary is not None:
            return salary
        i = i + 2 if b is not None and last is not a else i + 1
    return None


def _candidate(text: str, a: _Num, b: _Num | None) -> Salary | None:
    start, end = a.start, (b or a).end
    mult_a, mult_b = a.mult, (b.mult if b else a.mult)
    if b is not None:
        # "45-55k", "45 – 55 T€": a multiplier written once applies to both ends
        if mult_a == 1.0 and mult_b != 1.0 and a.value < 1000:
            mult_a = mult_b
        elif mult_b == 1.0 and mult_a != 1.0 and b.value < 1000:
            mult_b = mult_a
    currency = a.currency or (b.currency if b else "")
    has_multiplier = mult_a != 1.0 or mult_b != 1.0
    if not currency and not has_multiplier:
        # Most numbers (dates, phone numbers, hours) fail the money test below. Check it first on the widest
        # windows the clause could give: neither pattern can match in the clause window but not in the wider
        # one, so a miss here is the same miss, without computing the clause bounds.
        wide_before = text[max(0, start - 40) : start]
        if not _SALARY_WORD.search(wide_before) and not _GROSS_AFTER.match(text[end : end + 30]):
            return None
    lo, hi = _clause_bounds(text, start, end)
    before = text[max(lo, start - 40) : start]
    after = text[end : min(hi, end + 30)]
    keyword = bool(_SALARY_WORD.search(before)) or bool(_GROSS_AFTER.match(after))
    if not currency and not has_multiplier and not keyword:
        return None
    # A benefit word in the same clause right before or right after makes it a bonus, not pay.
    # Only the same list item counts: "Jobrad, 3.300 € brutto" is pay, "Wechselprämie von 1.000 €" is not.
    seg_before = _LIST_SEP.split(text[max(lo, start - 35) : start])[-1]
    seg_after = _LIST_SEP.split(after[:20])[0]
    if _BENEFIT.search(seg_before) or _BENEFIT.search(seg_after):
        return None
    v_a = a.value * mult_a
    v_b = b.value * mult_b if b else None
    period = _period(text, start, end)
    if period is None:
        ref = v_b if v_b is not None else v_a
        if has_multiplier or ref >= 13_000:
            period = SalaryPeriod.YEAR
        elif ref >= 500:
            period = SalaryPeriod.MONTH
        else:
            return None  # "49 €" alone could be anything
    if not currency and not has_multiplier and period is not SalaryPeriod.HOUR and v_a < 500:
        return None
    lo_v: float | None
    hi_v: float | None
    if b is not None and v_b is not None:
        lo_v, hi_v = (v_a, v_b) if v_a <= v_b else (v_b, v_a)
        if hi_v > lo_v * 4:
            return None
    elif _BEFORE_MIN.search(text, max(0, start - 20), start):
        lo_v, hi_v = v_a, None
    elif _BEFORE_MAX.search(text, max(0, start - 20), start):
        lo_v, hi_v = None, v_a
    else:
        lo_v = hi_v = v_a
    if not (_in_bounds(lo_v, period) and _in_bounds(hi_v, period)):
        return None
    gross = not _NET.search(text, max(lo, start - 30), min(hi, end + 30))
    return Salary(
        min=lo_v,
        max=hi_v,
        period=period,
        currency=currency or "EUR",
        gross=gross,
        text=text[start:end].strip(),
    )


def _table_key(m: re.Match[str]) -> str | None:
    if m.group("tvl"):
        return "tv-l"
    if m.group("other"):
        return None
    kind = (m.group("kind") or "").lower()
    if kind in ("bund", "b"):
        return "tvoed-bund"
    if kind in ("sue", "s", "p", "pflege", "v"):
        return None  # SuE / Pflege / Versorgung tables are not shipped
    # Plain "TVöD" (and TVöD-K) -> VKA: most TVöD postings come from municipalities and their hospitals.
    return "tvoed-vka"


def _group_label(num: str, letter: str | None) -> str:
    letter = (letter or "").lower()
    if letter in ("ü", "ue"):
        return f"{int(num)}Ü"
    return f"{int(num)}{letter}"


def _from_tariff(text: str) -> Salary | None:
    for g in _guided(_GROUP, _GROUP_START, text):
        if not 1 <= int(g.group(1)) <= 15:
            continue
        lo = max(0, g.start() - 80)
        hi = min(len(text), g.end() + 80)
        best: tuple[int, str | None] | None = None
        for t in _TARIFF.finditer(text, lo, hi):
            dist = t.start() - g.end() if t.start() >= g.end() else g.start() - t.end()
            if best is None or dist < best[0]:
                best = (dist, _table_key(t))
        if best is None or best[1] is None:
            continue
        key = best[1]
        first = _group_label(g.group(1), g.group(2))
        found = tariffs.lookup(key, first)
        if found is None:
            continue
        lo_v, hi_v, table = found
        label = f"E {first}"
        if g.group(3):
            second = _group_label(g.group(3), g.group(4))
            found2 = tariffs.lookup(key, second)
            if found2 is not None and found2[1] >= hi_v:
                hi_v = found2[1]
                label = f"E {first}–{second}"
        return Salary(
            min=lo_v,
            max=hi_v,
            period=SalaryPeriod.MONTH,
            tariff=f"{table.name} {label} (gültig ab {table.valid_from:%d.%m.%Y})",
            text=text[g.start() : g.end()].strip(),
        )
    return None


def _from_minimum_wage(text: str, on: date | None) -> Salary | None:
    m = _MINDESTLOHN.search(text)
    if m is None:
        return None
    mw = tariffs.minimum_wage(on)
    above = _ABOVE.search(text, max(0, m.start() - 40), m.start())
    return Salary(
        min=mw.eur_per_hour,
        max=None if above else mw.eur_per_hour,
        period=SalaryPeriod.HOUR,
        tariff=f"gesetzlicher Mindestlohn (gültig ab {mw.valid_from:%d.%m.%Y})",
        text=m.group(0),
    )


def parse_salary(text: str, on: date | None = None) -> Salary | None:
    """Parse a German salary statement; None when the text states no usable amount.

    `on` picks the minimum wage in force (default today); tariff tables are the shipped ones.
    """
    if not text or not isinstance(text, str):
        return None
    text = text[:MAX_CHARS]
    return _from_amounts(text) or _from_tariff(text) or _from_minimum_wage(text, on)
