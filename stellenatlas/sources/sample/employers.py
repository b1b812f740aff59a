"""Fictitious but realistic employer names, stable per (city, sector, rank).

Names are derived from a per-key seed (crc32, not `hash()`, which is salted per process), so the same city and
sector always yield the same employers and low ranks repeat often: top-employer statistics need repeats.
"""

from __future__ import annotations

import random
import zlib
from functools import lru_cache
from typing import NamedTuple

from stellenatlas.domain.models import Sector

S = Sector


class EmployerInfo(NamedTuple):
    name: str
    tariff_system: str  # "TVöD", "TV-L", "AVR" or "" (no public/church tariff)


SURNAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Hofmann", "Zimmermann",
    "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Köhler", "Herrmann", "König", "Walter",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel",
    "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann",
    "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
    "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas",
    "Schreiber", "Graf", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn", "Busch", "Bergmann",
    "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer", "Kowalski", "Nowak", "Yilmaz", "Brinkmann",
    "Terhorst", "Overbeck", "Kampmann", "Hülsmann", "Tenbrink", "Wittkamp", "Schulte", "Bollmann",
)  # fmt: skip
BRANDS = (
    "Aurora", "Nordlicht", "Rheinblick", "Ruhrwerk", "Zeche", "Phoenix", "Vektor", "Kompass", "Horizont",
    "Lumen", "Prisma", "Sigma", "Delta", "Atlas", "Merkur", "Helios", "Orbis", "Nova", "Terra", "Quadrat",
    "Brücke", "Leuchtturm", "Zenit", "Fortis", "Optima", "Pro", "Alpha", "Contura", "Meridian", "Kobalt",
    "Emscher", "Lippe", "Revier", "Glückauf", "Hellweg", "Westfalia", "Sauerland", "Niederrhein", "Vest",
)  # fmt: skip
TECH = ("Data", "Soft", "Net", "Cloud", "Code", "Logic", "Sys", "Digital", "Cyber", "Infra", "Dev", "Info")
TECH_SUFFIX = ("vista", "works", "bridge", "point", "matic", "sphere", "lab", "nova", "craft", "hub", "line")
SAINTS = ("Elisabeth", "Marien", "Josef", "Antonius", "Vincenz", "Barbara", "Anna", "Franziskus", "Johannes")
FLOWERS = ("Lindenhof", "Rosengarten", "Sonnenhof", "Am Park", "Eichenhof", "Haus Abendrot", "Am Stadtgarten")
LEGAL = ("GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "AG", "e.K.", "KG")


def _s(rng: random.Random) -> str:
    return rng.choice(SURNAMES)


def _b(rng: random.Random) -> str:
    return rng.choice(BRANDS)


def _public(rng: random.Random, city: str, kreis: str, k: int) -> EmployerInfo:
    fixed = [
        EmployerInfo(f"Stadt {city}", "TVöD"),
        EmployerInfo(f"Jobcenter {city}", "TVöD"),
        EmployerInfo(f"Kreis {kreis}" if kreis and kreis != city else f"Stadtbetrieb {city} AöR", "TVöD"),
        EmployerInfo(f"Finanzamt {city}", "TV-L"),
    ]
    if k < len(fixed):
        return fixed[k]
    options = [
        EmployerInfo(f"Hochschule {city}", "TV-L"),
        EmployerInfo(f"Zweckverband {_b(rng)} {city}", "TVöD"),
        EmployerInfo(
            f"Stadtverwaltung {city} – Fachbereich {rng.choice(('Jugend', 'Soziales', 'Bauen', 'IT', 'Ordnung'))}",
            "TVöD",
        ),
        EmployerInfo(
            f"Landesbetrieb {rng.choice(('Straßenbau', 'IT', 'Bau- und Liegenschaften'))} – Niederlassung {city}",
            "TV-L",
        ),
        EmployerInfo(f"Amtsgericht {city}", "TV-L"),
        EmployerInfo(f"Kommunales Rechenzentrum {_b(rng)}", "TVöD"),
        EmployerInfo(f"Städtisches Klinikum {city}", "TVöD"),
        EmployerInfo(f"Wirtschaftsförderung {city} GmbH", "TVöD"),
    ]
    return rng.choice(options)


def _health(rng: random.Random, city: str, k: int, profile: str) -> EmployerInfo:
    # "large": office/IT/technical jobs are posted by hospitals and welfare organisations, not by practices.
    # "practice": MFA, ZFA, therapists mostly work in practices.
    r = rng.random()
    if profile == "large":
        r *= 0.5
    elif profile == "practice" and r < 0.6:
        r = 0.72 + r * 0.45
    if k == 0 or r < 0.12:
        return EmployerInfo(f"Evangelisches Klinikum {city}", "AVR")
    if r < 0.24:
        return EmployerInfo(f"St. {rng.choice(SAINTS)}-Hospital {city}", "AVR")
    if r < 0.32:
        return EmployerInfo(f"Caritasverband {city} e.V.", "AVR")
    if r < 0.38:
        return EmployerInfo(f"Diakonie {city} gGmbH", "AVR")
    if r < 0.44:
        return EmployerInfo(f"AWO Seniorenzentrum {rng.choice(FLOWERS)} {city}", "")
    if r < 0.50:
        return EmployerInfo(f"DRK-Kreisverband {city} e.V.", "")
    if r < 0.62:
        return EmployerInfo(f"Ambulanter Pflegedienst {_s(rng)} GmbH", "")
    if r < 0.72:
        return EmployerInfo(f"Seniorenresidenz {rng.choice(FLOWERS)} {city} GmbH", "")
    if r < 0.84:
        return EmployerInfo(f"Praxis Dr. med. {_s(rng)}", "")
    if r < 0.92:
        return EmployerInfo(f"Gemeinschaftspraxis Dr. {_s(rng)} & Dr. {_s(rng)}", "")
    return EmployerInfo(f"{_b(rng)} Therapiezentrum {city}", "")


def _generic(rng: random.Random, sector: Sector, city: str, k: int) -> str:
    s, b = _s(rng), _b(rng)
    legal = rng.choice(LEGAL)
    if sector is S.ENERGY:
        if k == 0:
            return f"Stadtwerke {city} GmbH"
        return rng.choice(
            (f"{city} Netz GmbH", f"{b} Energie GmbH", f"{s} Energietechnik {legal}", f"Wasserverband {b}",
             f"{b} Wärme GmbH", f"Energieversorgung {city} GmbH & Co. KG")
        )  # fmt: skip
    if sector is S.IT_SERVICES:
        tech = rng.choice(TECH) + rng.choice(TECH_SUFFIX)
        return rng.choice(
            (f"{tech} Solutions GmbH", f"{s} IT-Consulting GmbH", f"{city} IT-Services GmbH",
             f"{b} Systemhaus GmbH & Co. KG", f"{tech} Software AG", f"{tech} GmbH", f"{s} & {_s(rng)} Informatik GmbH")
        )  # fmt: skip
    if sector is S.STAFFING:
        return rng.choice(
            (f"{s} Personaldienstleistungen GmbH", f"{b} Personal GmbH", f"{b} Zeitarbeit GmbH",
             f"{b} Personalservice GmbH & Co. KG", f"{s} Personalmanagement GmbH", f"{b} Staffing GmbH")
        )  # fmt: skip
    if sector is S.INDUSTRY:
        return rng.choice(
            (f"{s} Maschinenbau {legal}", f"{s} & {_s(rng)} Metallverarbeitung GmbH & Co. KG",
             f"{b} Kunststofftechnik GmbH", f"{s} Antriebstechnik AG", f"{b} Chemie GmbH", f"{b} Stahl GmbH",
             f"{s} Anlagenbau GmbH", f"{b} Automotive GmbH", f"{s} Verpackungen GmbH")
        )  # fmt: skip
    if sector is S.CRAFT:
        return rng.choice(
            (f"{s} Elektrotechnik {legal}", f"{s} Haustechnik GmbH", f"Sanitär {s} GmbH & Co. KG",
             f"Autohaus {s} GmbH", f"Malerbetrieb {s}", f"{s} Bedachungen GmbH", f"Tischlerei {s}",
             f"Bäckerei {s}", f"Elektro {s} e.K.", f"{s} Bau GmbH", f"Kfz-Meisterbetrieb {s}", f"{s} Heizung & Sanitär GmbH")
        )  # fmt: skip
    if sector is S.LOGISTICS:
        return rng.choice(
            (f"{s} Spedition GmbH & Co. KG", f"{b} Logistics GmbH", f"{s} Transporte GmbH",
             f"{b} Logistik-Zentrum {city} GmbH", f"{s} Kurierdienst e.K.", f"{b} Fulfillment GmbH")
        )  # fmt: skip
    if sector is S.TRADE:
        return rng.choice(
            (f"{b} Handels GmbH", f"{s} Großhandel GmbH & Co. KG", f"{b} Markt GmbH", f"{s} Baustoffe GmbH",
             f"{b} Drogeriemarkt GmbH", f"Modehaus {s}", f"{s} Fachmarkt GmbH", f"{b} Apotheke {city}")
        )  # fmt: skip
    if sector is S.FINANCE:
        if k == 0:
            return f"Sparkasse {city}"
        return rng.choice(
            (f"Volksbank {b} eG", f"{b} Versicherung AG", f"Steuerberatung {s} & Partner mbB",
             f"{s} Wirtschaftsprüfung GmbH", f"{s} Steuerkanzlei", f"{b} Krankenkasse")
        )  # fmt: skip
    if sector is S.HOSPITALITY:
        return rng.choice(
            (f"Hotel {b} {city}", f"Restaurant {b}", f"{b} Gastro GmbH", f"Brauhaus {b}", f"Hotel am {rng.choice(('Park', 'Markt', 'Bahnhof', 'See'))} GmbH",
             f"{s} Catering GmbH", f"Café {s}")
        )  # fmt: skip
    if sector is S.EDUCATION:
        return rng.choice(
            (f"Kita {b} gGmbH", f"Bildungswerk {city} e.V.", f"{b} Akademie GmbH", f"Familienzentrum {b} e.V.",
             f"Freie Schule {city} e.V.", f"{b} Sprachschule GmbH")
        )  # fmt: skip
    return rng.choice(
        (f"{s} Gebäudeservice GmbH", f"{b} Sicherheitsdienst GmbH", f"{b} Facility Services GmbH",
         f"Anwaltskanzlei {s} & {_s(rng)}", f"{b} Immobilien GmbH", f"{s} Dienstleistungen GmbH",
         f"Wohnungsbaugesellschaft {city} mbH", f"{b} Service GmbH")
    )  # fmt: skip


@lru_cache(maxsize=65536)
def employer(ags: str, city: str, kreis: str, sector: Sector, k: int, profile: str = "") -> EmployerInfo:
    """The k-th employer of `sector` in the city; low k are the big, often-hiring ones.

    `profile` narrows health employers: "large" (hospitals, welfare organisations) or "practice".
    """
    rng = random.Random(zlib.crc32(f"{ags}|{sector.value}|{k}|{profile}".encode()))
    if sector is S.PUBLIC:
        return _public(rng, city, kreis, k)
    if sector is S.HEALTH:
        return _health(rng, city, k, profile)
    return EmployerInfo(_generic(rng, sector, city, k), "")
