"""XSS corpus in employer-controlled fields, rendered by real Debian chromium (issue 7 point 4).

An employer (company name = payload) posts one job per payload (title and description = payload), an admin
releases them, and chromium opens the job pages, the company profile and the search results. A payload that
ran would set window.__xss or open a dialog; neither may happen, and every page carries the CSP header.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stellenatlas.web.app import create_app
from tests.accounts.helpers import (
    csrf_token,
    fresh_settings,
    login,
    make_admin,
    post_job,
    register_employer,
    smtp_server,
)
from tests.support import CHROMIUM, chromium, live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
RUN = "window.__xss=1;alert(1)"
PAYLOADS = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f'<a href="javascript:{RUN}">Klick</a>',
    f'<svg onload="{RUN}"><circle r=5></svg>',
    f"</script><script>{RUN}</script>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror='{RUN}'>",
    f'<iframe src="javascript:{RUN}"></iframe>',
    f"<body onload='{RUN}'>",
    '<a href="jav&#x09;ascript:window.__xss=1">Tab</a>',
    '<a href="&#106;avascript:window.__xss=1">Entity</a>',
    "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
    f"<math><mtext><table><mglyph><style><img src=x onerror='{RUN}'>",
    f"<details open ontoggle='{RUN}'>",
    f'<!--<img src="--><img src=x onerror="{RUN}//">',
    f'<input autofocus onfocus="{RUN}">',
    '<p style="background:url(javascript:window.__xss=1)">Stil</p>',
    f"<scr<script>ipt>{RUN}</script>",
    "{{ 7*7 }} ${7*7} <%= 7*7 %>",
    f"<object data='javascript:{RUN}'></object>",
    f'<a href="https://beispiel.de" onmouseover="{RUN}">Hover</a>',
]
COMPANY = f"</script><script>{RUN}</script><img src=x onerror='{RUN}'> GmbH \"'"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    with smtp_server() as (inbox, smtp_port):
        app = create_app(fresh_settings(Path(tmp_path_factory.mktemp("xss")), smtp_port))
        employer = TestClient(app, raise_server_exceptions=False)
        admin = TestClient(app, raise_server_exceptions=False)
        register_employer(employer, inbox, COMPANY, "personal@xss-probe.de")
        login(employer, "personal@xss-probe.de")
        # profile fields are employer-controlled too (website must be http(s), so no javascript: here)
        employer.post(
            "/arbeitgeber/profil",
            data={
                "csrf_token": csrf_token(employer),
                "beschreibung": PAYLOADS[0] + PAYLOADS[4],
                "ort": PAYLOADS[1],
            },
        )
        ids = [post_job(employer, titel=f"Sachbearbeiter {p}", beschreibung=p) for p in PAYLOADS]
        make_admin(app, "pruefung@stellenatlas.test")
        login(admin, "pruefung@stellenatlas.test")
        for pid in ids:
            r = admin.post(
                f"/admin/pruefung/{pid}/freigeben",
                data={"csrf_token": csrf_token(admin)},
                follow_redirects=False,
            )
            assert r.status_code == 303
        slug = app.state.accounts_repo.account_by_email("personal@xss-probe.de")["slug"]
        with live_server(app) as base:
            time.sleep(2.1)  # the web index reader reloads at most every 2 s
            yield {"base": base, "ids": ids, "slug": slug, "admin": admin}
        app.state.ctx.services.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def visit(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script("window.__xss = 0;")
    response = page.goto(url)
    page.wait_for_load_state("load")
    # give handlers that fire late (autofocus, ontoggle, image errors) a moment
    page.wait_for_timeout(150)
    return page, response, dialogs


def assert_clean(page: Any, response: Any, dialogs: list[str]) -> None:
    assert response is not None and response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert dialogs == []
    assert page.evaluate("window.__xss") == 0


def test_job_pages_execute_no_payload(site: dict[str, Any], browser: Any) -> None:
    for pid, payload in zip(site["ids"], PAYLOADS, strict=True):
        page, response, dialogs = visit(browser, f"{site['base']}/jobs/{pid}")
        assert_clean(page, response, dialogs)
        # the title is shown as text, exactly as typed (escaped, not dropped)
        assert page.locator("h1").inner_text() == " ".join(f"Sachbearbeiter {payload}".split())
        # JSON-LD survives as one parseable block that still holds the payload text
        blocks = page.locator('script[type="application/ld+json"]')
        assert blocks.count() == 1
        data = page.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
        )
        assert data["hiringOrganization"]["name"] == " ".join(COMPANY.split())
        # only sanitized markup inside the description: no scripts, handlers or javascript: links
        html = page.locator(".description-rich, .description").first.inner_html()
        assert not re.search(
            r"<script|<iframe|<object|<svg|<img|\son\w+=|javascript:", html, re.IGNORECASE
        ), html
        page.close()


def test_company_profile_and_search_execute_no_payload(site: dict[str, Any], browser: Any) -> None:
    page, response, dialogs = visit(browser, f"{site['base']}/arbeitgeber/{site['slug']}")
    assert_clean(page, response, dialogs)
    assert page.locator("h1").inner_text() == " ".join(COMPANY.split())
    assert page.locator("ul.jobs li").count() == min(len(PAYLOADS), 20)
    org = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert org["name"] == " ".join(COMPANY.split())
    page.close()
    page, response, dialogs = visit(browser, f"{site['base']}/suche?q=Sachbearbeiter")
    assert_clean(page, response, dialogs)
    assert page.locator("ul.jobs li a").count() >= 15
    page.close()


def test_the_sentinel_would_notice_a_running_script(browser: Any) -> None:
    # guards the guard: without CSP and escaping, the same payload is seen to run
    page, _, dialogs = visit(browser, f"data:text/html,<script>{RUN}</script>")
    assert page.evaluate("window.__xss") == 1 and dialogs == ["1"]
    page.close()
