"""Risk score of an employer posting: which known scam patterns it shows, each with its weight.

Pure: text in, score and reasons out. The patterns are the ones German consumer centres and the police warn of
for fake job offers ("Finanzagent", bank accounts opened in the applicant's name via Video-Ident, app "test
orders", contact only by messenger or free-mail address). A single weak sign (a GMX address of a small
craftsman) stays below THRESHOLD; strong signs or combinations force a human review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THRESHOLD = 50  # at or above: the posting waits for review even if the employer is trusted

FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.com", "web.de",
        "outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "live.com", "live.de", "msn.com",
        "yahoo.com", "yahoo.de", "ymail.com", "t-online.de", "freenet.de", "aol.com", "aol.de",
        "icloud.com", "me.com", "mail.de", "posteo.de", "protonmail.com", "proton.me", "mail.ru",
        "yandex.ru", "yandex.com", "gmx.eu", "online.de", "arcor.de", "email.de",
    }
)  # fmt: skip

_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)", re.UNICODE)
_W = r"(?:\S+\s+){0,3}"  # up to three words in between: "Geld an Dritte weiterleiten"


@dataclass(frozen=True, slots=True)
class Pattern:
    code: str
    label: str
    weight: int
    regex: re.Pattern[str]


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "messenger",
        "Kontakt über Messenger (WhatsApp, Telegram, Signal)",
        30,
        re.compile(
            r"\bwhats\s?app\b|\bwa\.me/|\btelegram\b|\bt\.me/|\b(?:per|über|via|auf|bei|oder)\s+signal\b"
            r"|\bsignal[- ](?:messenger|app|nachricht)",
            re.IGNORECASE,
        ),
    ),
    Pattern(
        "konto_eroeffnen",
        "Kontoeröffnung verlangt",
        40,
        re.compile(
            rf"\bkonto\w*\s+{_W}?(?:zu\s+)?er[öo]ffn|\bkontoer[öo]ffnung|\ber[öo]ffn\w*\s+{_W}(?:bank|giro)?konto",
            re.IGNORECASE,
        ),
    ),
    Pattern(
        "bankkonto", "Bankkonto erwähnt", 15, re.compile(r"\bbankkont\w*|\bbankverbindung", re.IGNORECASE)
    ),
    Pattern("testauftrag", "„Testaufträge“", 30, re.compile(r"\btest-?auftr[aä]g\w*", re.IGNORECASE)),
    Pattern(
        "video_ident",
        "Identifizierung per Video-Ident/Postident",
        40,
        re.compile(
            r"\bvideo[\s-]?ident\w*|\bpost[\s-]?ident\w*|\bident(?:ifizierung)?\s+per\s+video", re.IGNORECASE
        ),
    ),
    Pattern(
        "geldtransfer",
        "Geld- oder Warentransfer (Finanzagent)",
        50,
        re.compile(
            rf"\bgeld\w*\s+{_W}weiterleit|\b(?:geld|pakete?|zahlungen|betr[äa]ge)\b\s*{_W}weiter(?:zu)?(?:leit|send|versend|[üu]berweis)"
            rf"|\bleite\w*\s+{_W}(?:geld|pakete?|zahlungen|betr[äa]ge)\b\s*{_W}weiter\b|\bzahlungen\s+{_W}weiterleit|\bpakete?\w*\s+{_W}weiterleit"
            rf"|\bweiterleitung\s+von\s+(?:geld|zahlungen|paketen|waren)"
            rf"|\b[üu]berweisungen\s+{_W}(?:ausf[üu]hr|t[äa]tig|durchf[üu]hr)"
            r"|\b(?:finanz|zahlungs|waren|paket)agent",
            re.IGNORECASE,
        ),
    ),
)

_NO_REQUIREMENTS = re.compile(
    r"\b(?:keine|ohne)\s+(?:\w+\s+)?(?:vorkenntnisse|erfahrung|berufserfahrung|qualifikation|ausbildung)"
    r"|\bkeine\s+besonderen\s+(?:kenntnisse|anforderungen)|\bjede[rs]?\s+kann\s+mitmachen",
    re.IGNORECASE,
)
_DAILY_PAY = re.compile(
    r"\b\d{3,4}\s?(?:€|euro|eur)\s+(?:pro|am|je|/)\s*tag|\btäglich\s+\d{3,4}\s?(?:€|euro)", re.IGNORECASE
)
HIGH_MONTHLY_PAY = 5000.0  # EUR per month full-time equivalent
HIGH_PAY_WEIGHT = 30
FREEMAIL_WEIGHT = 20


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    label: str
    weight: int
    evidence: str  # the matched text, shown to the moderator


@dataclass(frozen=True, slots=True)
class Risk:
    score: int
    reasons: tuple[Reason, ...]

    @property
    def needs_review(self) -> bool:
        return self.score >= THRESHOLD


def freemail_addresses(text: str) -> list[str]:
    return [m.group(0) for m in _EMAIL.finditer(text) if m.group(1).lower() in FREEMAIL_DOMAINS]


def assess(title: str, description: str, contact: str = "", monthly_pay: float | None = None) -> Risk:
    """Score title + description + contact data; `monthly_pay` is the stated pay as monthly full-time EUR."""
    text = f"{title}\n{description}\n{contact}"
    reasons: list[Reason] = []
    free = freemail_addresses(text)
    if free:
        reasons.append(Reason("freemail", "Kontakt über Freemail-Adresse", FREEMAIL_WEIGHT, free[0]))
    for pattern in PATTERNS:
        m = pattern.regex.search(text)
        if m:
            reasons.append(Reason(pattern.code, pattern.label, pattern.weight, " ".join(m.group(0).split())))
    no_req = _NO_REQUIREMENTS.search(text)
    daily = _DAILY_PAY.search(text)
    high = (monthly_pay is not None and monthly_pay >= HIGH_MONTHLY_PAY) or daily is not None
    if no_req and high:
        evidence = daily.group(0) if daily else f"{monthly_pay:,.0f} € im Monat".replace(",", ".")
        reasons.append(
            Reason(
                "hohe_bezahlung_ohne_anforderungen",
                "Hohe Bezahlung ohne Anforderungen",
                HIGH_PAY_WEIGHT,
                f"{evidence}; {no_req.group(0)}",
            )
        )
    return Risk(score=sum(r.weight for r in reasons), reasons=tuple(reasons))
