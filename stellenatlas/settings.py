"""Settings, declared once with default and help, overridable by STELLENATLAS_<NAME> env vars.

Validated at start-up: `load_settings()` raises `SettingsError` with a clear message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    pass


def _default_var() -> str:
    return str(Path(os.environ.get("STELLENATLAS_VAR_DIR", "var")).resolve())


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    type: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("var_dir", None, "Directory for the SQLite database and the search index (default ./var)."),
    Setting(
        "database_url",
        None,
        "SQLAlchemy URL; default sqlite:///<var_dir>/stellenatlas.db. "
        "PostgreSQL: postgresql+psycopg://user@host/db",
    ),
    Setting("index_dir", None, "Directory of the tantivy search index (default <var_dir>/index)."),
    Setting("min_salary_sample", 20, "Minimum number of salaries before a salary statistic is shown.", int),
    Setting("host", "127.0.0.1", "Address the web server binds to."),
    Setting("port", 8000, "Port the web server listens on.", int),
    Setting("base_url", "http://127.0.0.1:8000", "Public base URL used in canonical links and sitemaps."),
    Setting("max_page", 100, "Deepest result page served by search (pagination cap).", int),
    Setting("page_size", 20, "Results per search page.", int),
    Setting(
        "facet_cache_size",
        512,
        "Search queries whose facet counts each web worker keeps until the index changes (0 = none).",
        int,
    ),
    Setting(
        "secret_key",
        None,
        "Key for signed links and tokens; default: generated once into <var_dir>/secret_key.",
    ),
    Setting(
        "max_body_bytes", 1_000_000, "Largest request body accepted (bytes); larger requests get 413.", int
    ),
    Setting(
        "mailer",
        "file",
        "How alert mails leave: 'file' writes .eml files into <var_dir>/mail (default, needs no mail server; "
        "what `make demo` uses), 'smtp' sends via smtp_host:smtp_port.",
    ),
    Setting("smtp_host", "127.0.0.1", "SMTP server for alert mails (mailer=smtp)."),
    Setting("smtp_port", 25, "SMTP port (mailer=smtp).", int),
    Setting("smtp_user", "", "SMTP login user; empty = no login."),
    Setting("smtp_password", "", "SMTP login password."),
    Setting("smtp_starttls", False, "Use STARTTLS before login (1/true/ja or 0/false/nein).", bool),
    Setting("mail_from", "stellenatlas <jobalarm@localhost>", "Sender address of alert mails."),
    Setting(
        "api_rate_limit",
        120,
        "Requests per minute and client address to the JSON API (.json/.csv/.atom, /api/); 0 = no limit.",
        int,
    ),
)


@dataclass(frozen=True)
class Settings:
    var_dir: str
    database_url: str
    index_dir: str
    min_salary_sample: int
    host: str
    port: int
    base_url: str
    max_page: int
    page_size: int
    secret_key: str
    max_body_bytes: int
    mailer: str = "file"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "stellenatlas <jobalarm@localhost>"
    api_rate_limit: int = 120
    facet_cache_size: int = 512

    def replace(self, **changes: Any) -> Settings:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(changes)
        return Settings(**data)


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = overrides.get(s.name)
        if raw is None:
            raw = env.get(f"STELLENATLAS_{s.name.upper()}", s.default)
        if raw is not None and s.type is int:
            try:
                raw = int(raw)
            except (TypeError, ValueError):
                raise SettingsError(
                    f"STELLENATLAS_{s.name.upper()} muss eine ganze Zahl sein, nicht {raw!r}"
                ) from None
        if isinstance(raw, str) and s.type is bool:
            flag = raw.strip().lower()
            if flag not in ("1", "true", "ja", "yes", "0", "false", "nein", "no", ""):
                raise SettingsError(
                    f"STELLENATLAS_{s.name.upper()} muss 1/true oder 0/false sein, nicht {raw!r}"
                )
            raw = flag in ("1", "true", "ja", "yes")
        values[s.name] = raw
    var_dir = values["var_dir"] or _default_var()
    values["var_dir"] = var_dir
    values["database_url"] = values["database_url"] or f"sqlite:///{Path(var_dir) / 'stellenatlas.db'}"
    values["index_dir"] = values["index_dir"] or str(Path(var_dir) / "index")
    if not str(values["database_url"]).startswith(("sqlite", "postgresql")):
        raise SettingsError(
            "STELLENATLAS_DATABASE_URL muss eine sqlite://- oder postgresql+psycopg://-URL sein"
        )
    values["secret_key"] = values["secret_key"] or ""
    for name in ("min_salary_sample", "port", "max_page", "page_size", "max_body_bytes"):
        if values[name] <= 0:
            raise SettingsError(f"STELLENATLAS_{name.upper()} muss größer als 0 sein")
    if values["facet_cache_size"] < 0:
        raise SettingsError("STELLENATLAS_FACET_CACHE_SIZE darf nicht negativ sein")
    if values["mailer"] not in ("file", "smtp"):
        raise SettingsError("STELLENATLAS_MAILER muss 'file' oder 'smtp' sein")
    return Settings(**values)


def secret_key(settings: Settings) -> str:
    """The configured key, else one generated once and kept (mode 0600) in the var directory."""
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise SettingsError("STELLENATLAS_SECRET_KEY muss mindestens 32 Zeichen lang sein")
        return settings.secret_key
    import secrets

    path = Path(settings.var_dir) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key
