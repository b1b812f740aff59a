"""Pure alert logic (validation, schedule, selection, messages) and the worker's send-then-record semantics."""
# ruff: noqa: F811  (pytest fixtures are imported from tests/alerts/support.py and requested by name)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from stellenatlas.alerts.digest import DigestItem, Seen, is_due, is_new, select_new, window_start
from stellenatlas.alerts.mailer import FileMailer, MailError, mailer_from_settings
from stellenatlas.alerts.messages import confirmation_message, digest_message
from stellenatlas.alerts.query import (
    AlertInputError,
    AlertQuery,
    normalize_query,
    search_query,
    validate_email,
    validate_frequency,
)
from stellenatlas.alerts.tokens import hash_token, new_token
from stellenatlas.alerts.worker import run_alerts
from stellenatlas.services import Services
from stellenatlas.settings import SettingsError, load_settings
from stellenatlas.store.alerts_repo import AlertsRepo
from tests.alerts.support import (  # noqa: F401  (fixtures)
    Inbox,
    alert_settings,
    ingest_now,
    raw,
    services,
    smtp,
)

T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw_email", "address"),
    [
        ("Maria.Schmidt@Beispiel.DE", "Maria.Schmidt@beispiel.de"),
        ("  jonas+jobs@stadtwerke-gelsenkirchen.de ", "jonas+jobs@stadtwerke-gelsenkirchen.de"),
        ("juergen@müller.de", "juergen@xn--mller-kva.de"),  # IDNA, as registrars show it
        ("o'brien@example.org", "o'brien@example.org"),
    ],
)
def test_valid_emails(raw_email: str, address: str) -> None:
    email = validate_email(raw_email)
    assert email.address == address
    assert email.key == address.lower()


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "maria.schmidt",
        "maria@@beispiel.de",
        "maria@beispiel",
        ".maria@beispiel.de",
        "maria..schmidt@beispiel.de",
        "maria schmidt@beispiel.de",
        "maria@beispiel.de\nBcc: alle@example.org",
        '"maria"@beispiel.de',
        "maria@-beispiel.de",
        "maria@beispiel.d",
        "a" * 65 + "@beispiel.de",
        "a@" + "b" * 250 + ".de",
    ],
)
def test_invalid_emails(bad: str) -> None:
    with pytest.raises(AlertInputError):
        validate_email(bad)


def test_frequency() -> None:
    assert validate_frequency("täglich") == "daily"
    assert validate_frequency("weekly") == "weekly"
    with pytest.raises(AlertInputError, match="täglich oder wöchentlich"):
        validate_frequency("monatlich")


def test_query_normalization_and_limits() -> None:
    q = normalize_query({"q": "  Pflege   fachkraft ", "ort": "Gelsenkirchen", "umkreis": "10"})
    assert q == AlertQuery(q="Pflege fachkraft", ort="Gelsenkirchen", umkreis=10)
    assert AlertQuery.from_json(q.to_json()) == q
    assert q.describe() == "„Pflege fachkraft“ in Gelsenkirchen (10 km Umkreis)"
    assert q.search_url("http://x") == "http://x/suche?q=Pflege+fachkraft&ort=Gelsenkirchen&umkreis=10"
    paid = normalize_query({"q": "Koch", "gehalt": "3500", "seit": "7"})  # "seit" means nothing to an alert
    assert paid == AlertQuery(q="Koch", gehalt=3500) and AlertQuery.from_json(paid.to_json()) == paid
    assert paid.describe() == "„Koch“, Gehalt ab 3.500 €/Monat"
    assert paid.params() == {"q": "Koch", "gehalt": "3500"}
    assert search_query(paid, None).salary_min_monthly == 3500.0
    # alerts saved before the salary minimum existed still load
    assert AlertQuery.from_json('{"q": "Koch", "ort": ""}') == AlertQuery(q="Koch")
    for params, message in [
        ({"q": "x" * 10_000}, "zu lang"),
        ({"q": "Koch", "umkreis": "-5", "ort": "Essen"}, "Umkreis"),
        ({"q": "Koch", "remote": "mond"}, "Homeoffice"),
        ({"q": "Koch", "beruf": "12a"}, "KldB"),
        ({"q": "Koch", "gehalt": "3.000"}, "Mindestgehalt"),
        ({"q": "Koch", "gehalt": "9999999"}, "Mindestgehalt"),
        ({}, "mindestens einen Suchbegriff"),
    ]:
        with pytest.raises(AlertInputError, match=message):
            normalize_query(params)


def test_schedule() -> None:
    assert is_due("daily", None, T0)
    assert not is_due("daily", T0, T0 + timedelta(hours=12))
    assert is_due("daily", T0, T0 + timedelta(hours=23, minutes=30))  # cron jitter tolerated
    assert not is_due("weekly", T0, T0 + timedelta(days=6))
    assert is_due("weekly", T0, T0 + timedelta(days=7))
    assert window_start("weekly", None, T0) == T0 - timedelta(days=7)
    assert window_start("daily", T0, T0 - timedelta(days=3)) == T0


def test_selection() -> None:
    start, end = T0, T0 + timedelta(days=1)
    seen = {
        1: Seen(posted_at=T0 + timedelta(hours=2), first_seen_at=T0 + timedelta(hours=3)),  # new
        2: Seen(
            posted_at=T0 - timedelta(days=9), first_seen_at=T0 + timedelta(hours=1)
        ),  # late delivery: new
        3: Seen(posted_at=T0 - timedelta(days=2), first_seen_at=T0 - timedelta(days=2)),  # old
        4: Seen(posted_at=None, first_seen_at=end + timedelta(minutes=1)),  # next window
        5: Seen(posted_at=T0 + timedelta(hours=5), first_seen_at=T0 + timedelta(hours=5)),  # already sent
    }
    assert is_new(seen[2], start, end) and not is_new(seen[3], start, end) and not is_new(seen[4], start, end)
    assert select_new([5, 1, 2, 3, 4, 1, 99], seen, {5}, start, end) == ([1, 2], 0)
    assert select_new([1, 2], seen, set(), start, end, limit=1) == ([1], 1)


def test_messages_headers_and_escaping() -> None:
    conf = confirmation_message(
        sender="stellenatlas <jobalarm@stellenatlas.example>",
        to="maria@beispiel.de",
        description="„Pflegefachkraft“ in Gelsenkirchen (25 km Umkreis)",
        frequency="daily",
        confirm_url="https://stellenatlas.example/alarm/bestaetigen/abc",
        one_click_url="https://stellenatlas.example/alarm/abmelden-1klick/7/sig",
        now=T0,
    )
    assert conf["List-Unsubscribe"] == "<https://stellenatlas.example/alarm/abmelden-1klick/7/sig>"
    assert conf["Message-ID"].endswith("@stellenatlas.example>")
    assert conf["Date"] == "Mon, 23 Nov 2026 07:00:00 +0000"
    item = DigestItem(1, "Koch <b>(m/w/d)</b>", "Müller & Söhne", "Essen", "https://x/jobs/1", "22.11.2026")
    kwargs = dict(
        sender="stellenatlas <jobalarm@stellenatlas.example>",
        to="maria@beispiel.de",
        alert_id=7,
        description="„Koch“",
        frequency="weekly",
        items=[item],
        more=0,
        search_url="https://x/suche?q=Koch",
        unsubscribe_url="https://x/alarm/abmelden/7/sig",
        one_click_url="https://x/alarm/abmelden-1klick/7/sig",
    )
    a = digest_message(now=T0, **kwargs)  # type: ignore[arg-type]
    b = digest_message(now=T0 + timedelta(minutes=5), **kwargs)  # type: ignore[arg-type]
    assert a["Message-ID"] == b["Message-ID"]  # a repeated digest dedupes in mail clients
    html = a.get_body(("html",))
    assert html is not None
    content = html.get_content()  # type: ignore[attr-defined]
    assert "Koch &lt;b&gt;(m/w/d)&lt;/b&gt;" in content and "Müller &amp; Söhne" in content
    parsed = message_from_bytes(a.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "1 neue Stelle: „Koch“"


def test_tokens_hashed() -> None:
    token, digest = new_token()
    assert len(token) >= 40 and digest == hash_token(token) and token not in digest


def test_settings_mailer(tmp_path: Path) -> None:
    default = load_settings(env={}, var_dir=str(tmp_path))
    assert default.mailer == "file" and isinstance(mailer_from_settings(default), FileMailer)
    assert (
        load_settings(env={"STELLENATLAS_SMTP_STARTTLS": "ja"}, var_dir=str(tmp_path)).smtp_starttls is True
    )
    with pytest.raises(SettingsError):
        load_settings(env={"STELLENATLAS_MAILER": "sendmail"}, var_dir=str(tmp_path))


def test_file_mailer_writes_eml(tmp_path: Path) -> None:
    msg = confirmation_message(
        sender="stellenatlas <jobalarm@localhost>",
        to="maria@beispiel.de",
        description="„Koch“",
        frequency="daily",
        confirm_url="http://127.0.0.1:8000/alarm/bestaetigen/abc",
        one_click_url="http://127.0.0.1:8000/alarm/abmelden-1klick/1/sig",
        now=T0,
    )
    mailer = FileMailer(tmp_path / "mail")
    mailer.send(msg)
    mailer.send(msg)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert [f.name for f in files] == ["20261123T070000-0000.eml", "20261123T070000-0001.eml"]
    back = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert back["Subject"] == "Bitte bestätigen Sie Ihren Jobalarm"


class FlakyMailer:
    def __init__(self) -> None:
        self.fail = True
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        if self.fail:
            raise MailError("SMTP 127.0.0.1:25: Connection refused")
        self.sent.append(message)


def test_failed_send_records_nothing_and_retries(services: Services) -> None:
    now = datetime.now(UTC)
    ingest_now(
        services,
        [
            raw(
                "gk-1",
                "Pflegefachkraft (m/w/d)",
                "Evangelische Kliniken Gelsenkirchen GmbH",
                "45879 Gelsenkirchen",
                now,
            )
        ],
        now,
    )
    repo = AlertsRepo(services.engine)
    _, token_hash = new_token()
    signup = repo.sign_up(
        email="maria@beispiel.de",
        email_key="maria@beispiel.de",
        query=AlertQuery(q="Pflegefachkraft", ort="Gelsenkirchen").to_json(),
        frequency="daily",
        token_hash=token_hash,
        now=now,
        max_mails=3,
    )
    assert repo.confirm(token_hash, now) == signup.alert_id
    mailer = FlakyMailer()
    run = now + timedelta(minutes=1)
    report = run_alerts(services, mailer=mailer, secret="s" * 40, now=run)
    assert (report.failed, report.mails) == (1, 0)
    assert signup.alert_id is not None
    assert repo.sent_ids(signup.alert_id) == set()
    alert = repo.get_alert(signup.alert_id)
    assert alert is not None and alert["last_run_at"] is None  # window stays open
    mailer.fail = False
    report = run_alerts(services, mailer=mailer, secret="s" * 40, now=run + timedelta(minutes=5))
    assert (report.failed, report.mails, report.postings) == (0, 1, 1)
    assert len(repo.sent_ids(signup.alert_id)) == 1
    assert run_alerts(services, mailer=mailer, secret="s" * 40, now=run + timedelta(minutes=6)).mails == 0


def test_pending_requests_are_purged(services: Services) -> None:
    repo = AlertsRepo(services.engine)
    _, token_hash = new_token()
    repo.sign_up(
        email="x@beispiel.de",
        email_key="x@beispiel.de",
        query=AlertQuery(q="Koch").to_json(),
        frequency="daily",
        token_hash=token_hash,
        now=T0,
        max_mails=3,
    )
    assert repo.purge_pending(T0 + timedelta(days=6)) == 0
    assert repo.purge_pending(T0 + timedelta(days=8)) == 1
    assert repo.export("x@beispiel.de")["alerts"] == []
