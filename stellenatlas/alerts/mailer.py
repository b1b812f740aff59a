"""How alert mails leave the process: over SMTP, or as .eml files for installations without a mail server.

Chosen by the one setting `mailer`: "file" (default; `make demo` and development need no mail server, the
mails land in <var_dir>/mail/*.eml and can be opened with any mail client) or "smtp" (smtp_host, smtp_port,
smtp_user/smtp_password for login, smtp_starttls). Messages are built in `stellenatlas.alerts.messages`.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from stellenatlas.settings import Settings

SMTP_TIMEOUT_S = 15.0


class MailError(RuntimeError):
    """A mail could not be handed over; nothing about it may be recorded as sent."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over for delivery or raise `MailError`."""
        ...


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        user: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = SMTP_TIMEOUT_S,
    ) -> None:
        self.host, self.port = host, port
        self.user, self.password = user, password
        self.starttls = starttls
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP {self.host}:{self.port}: {exc}") from exc


class FileMailer:
    """Writes each message as <directory>/<timestamp>-<n>.eml (RFC 5322 bytes, CRLF line ends)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        from email import policy
        from email.utils import parsedate_to_datetime

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = parsedate_to_datetime(str(message["Date"])).strftime("%Y%m%dT%H%M%S")
            data = message.as_bytes(policy=policy.SMTP)
            for n in range(10_000):
                path = self.directory / f"{stamp}-{n:04d}.eml"
                try:
                    # "x": never overwrite a mail another worker just wrote
                    with path.open("xb") as fh:
                        fh.write(data)
                    return
                except FileExistsError:
                    continue
            raise MailError(f"zu viele Mails mit Zeitstempel {stamp} in {self.directory}")
        except OSError as exc:
            raise MailError(f"Mail-Datei in {self.directory}: {exc}") from exc


def mailer_from_settings(settings: Settings) -> Mailer:
    if settings.mailer == "smtp":
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
        )
    return FileMailer(Path(settings.var_dir) / "mail")
