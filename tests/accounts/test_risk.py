"""Risk score of employer postings: real wording of fake job offers vs. ordinary German postings."""

from __future__ import annotations

import pytest

from stellenatlas.moderation.risk import THRESHOLD, assess


@pytest.mark.parametrize(
    ("title", "description", "contact", "codes"),
    [
        (
            "Finanzagent (m/w/d) – Homeoffice",
            "Ihre Aufgabe: Sie nehmen Zahlungen unserer Kunden entgegen und leiten das Geld an unsere Partner weiter.",
            "",
            {"geldtransfer"},
        ),
        (
            "Mitarbeiter Wareneingang Homeoffice",
            "Sie nehmen Pakete an und leiten diese Pakete an unsere Kunden weiter. Bezahlung 2.800 € netto.",
            "",
            {"geldtransfer"},
        ),
        (
            "App-Tester (m/w/d) auf Minijob-Basis",
            "Sie bearbeiten Testaufträge von zu Hause: Dazu eröffnen Sie ein Konto bei einer Online-Bank und "
            "identifizieren sich per Video-Ident.",
            "",
            {"testauftrag", "konto_eroeffnen", "video_ident"},
        ),
        (
            "Produkttester gesucht",
            "Keine Vorkenntnisse nötig! Verdienen Sie bis zu 450 € pro Tag. Kontakt per WhatsApp.",
            "job.angebot2026@gmail.com",
            {"freemail", "messenger", "hohe_bezahlung_ohne_anforderungen"},
        ),
        (
            "Bürokraft",
            "Melden Sie sich über Telegram: t.me/jobs_de – Bankverbindung bitte gleich mitschicken.",
            "",
            {"messenger", "bankkonto"},
        ),
        (
            "Kundenbetreuer (m/w/d)",
            "Für die Kontoeröffnung nutzen wir das VideoIdent-Verfahren.",
            "personal@web.de",
            {"freemail", "konto_eroeffnen", "video_ident"},
        ),
    ],
)
def test_scam_wording_is_found_and_forces_review(
    title: str, description: str, contact: str, codes: set[str]
) -> None:
    risk = assess(title, description, contact, monthly_pay=None)
    assert {r.code for r in risk.reasons} == codes
    assert risk.score == sum(r.weight for r in risk.reasons)
    if codes != {"messenger", "bankkonto"}:
        assert risk.needs_review, risk
    assert all(r.evidence for r in risk.reasons)


@pytest.mark.parametrize(
    ("title", "description", "contact"),
    [
        (
            "IT-Projektkoordinator (m/w/d)",
            "Sie koordinieren IT-Projekte der Stadtwerke. Abgeschlossenes Studium, Erfahrung mit Jira. "
            "Vergütung nach TVöD E 11.",
            "bewerbung@stadtwerke-gelsenkirchen.de",
        ),
        (
            "Pflegefachkraft (m/w/d) in Teilzeit",
            "Wir bieten ein starkes Signal für Wertschätzung: 30 Tage Urlaub, Zuschläge, Telegramm-Zeitung im Foyer.",
            "",
        ),
        (
            "Bankkaufmann / Bankkauffrau (m/w/d)",
            "Sie beraten Kundinnen und Kunden zu Girokonten und Krediten. Abgeschlossene Ausbildung zur Bankkauffrau.",
            "",
        ),
    ],
)
def test_ordinary_postings_score_low(title: str, description: str, contact: str) -> None:
    risk = assess(title, description, contact, monthly_pay=4500)
    assert risk.score < THRESHOLD and risk.reasons == (), risk


def test_freemail_of_a_craftsman_alone_stays_below_threshold() -> None:
    risk = assess("Elektriker (m/w/d)", "Meisterbetrieb sucht Verstärkung.", "elektro.mueller@t-online.de")
    assert [r.code for r in risk.reasons] == ["freemail"] and not risk.needs_review


def test_high_pay_needs_both_high_pay_and_no_requirements() -> None:
    text = "Keine Erfahrung erforderlich, wir arbeiten Sie ein."
    assert assess("Lagerhelfer", text, monthly_pay=2600).reasons == ()
    high = assess("Lagerhelfer", text, monthly_pay=7800)
    assert [r.code for r in high.reasons] == ["hohe_bezahlung_ohne_anforderungen"]
