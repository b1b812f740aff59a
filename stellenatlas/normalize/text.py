"""German text helpers shared by the normalizers, search and the web layer. Pure functions."""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

# Gender markers as they appear in real German postings: "(m/w/d)", "(w/m/d)", "(m/w/x)", "(gn)", "(all genders)",
# "(d/m/w)", "m/w/d" without brackets, "(m|w|d)", "(m,w,d)", "(m/f/d)".
_GENDER_BRACKET = re.compile(
    r"[\(\[]\s*(?:[mwfdxi]\s*[/|,.\s]\s*){1,3}[mwfdxi]\s*[\)\]]"
    r"|[\(\[]\s*(?:gn|all\s+genders?|alle\s+geschlechter|genderneutral|div(?:ers)?)\s*\*?\s*[\)\]]",
    re.IGNORECASE,
)
_GENDER_BARE = re.compile(r"(?<![\w/])[mwfd]\s*/\s*[mwfd]\s*/\s*[mwfdx](?![\w/])", re.IGNORECASE)
# Gender suffixes: "Koordinator:in", "Koordinator*in", "Koordinator_in", "KoordinatorIn", "Koordinator/-in",
# "Koordinator/in", "Koordinator (in)", plural forms ":innen".
# The closing bracket belongs to the suffix only when it opened it: "Abbeizer/in (Dekapierer/in)" keeps its ")".
_GENDER_SUFFIX = re.compile(
    r"(?<=[a-zäöüß])(?:(?:[:*_/]|/-)-?(?:in|innen)|\s?\(-?(?:in|innen)\))(?![a-zäöüß])", re.IGNORECASE
)
_BINNEN_I = re.compile(r"(?<=[a-zäöüß])In(nen)?(?![a-zäöüß])")
# Doubled forms: "Kaufmann / Kauffrau", "Kauffrau/-mann"
_SPACE = re.compile(r"\s+")


def strip_gender_forms(title: str) -> str:
    """Remove gender markers and suffixes from a job title, keeping the base (masculine generic) form.

    "IT-Projektkoordinator (m/w/d)" -> "IT-Projektkoordinator"; "Koordinator:in IT" -> "Koordinator IT".
    """
    text = _GENDER_BRACKET.sub(" ", title)
    text = _GENDER_BARE.sub(" ", text)
    text = _GENDER_SUFFIX.sub("", text)
    text = _BINNEN_I.sub("", text)
    return _SPACE.sub(" ", text).strip(" -–,|")


def fold(text: str) -> str:
    """Lowercase, transliterate umlauts and drop remaining accents: for matching, never for display."""
    text = text.translate(_UMLAUTS).lower()
    if text.isascii():  # the common case; NFKD is the costly part
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """URL slug: "Mülheim an der Ruhr" -> "muelheim-an-der-ruhr", "IT Projektkoordinator" -> "it-projektkoordinator"."""
    return _SLUG_STRIP.sub("-", fold(text)).strip("-")
