"""Access control proof for the employer and admin routes (issue 7 point 4).

Roles (anonymous, employer A, employer B, admin) × every private or state-changing route × own/other
employer's ids, each cell with its exact status; for every refused cell the database is compared before and
after, so a refusal that still changed something fails. A second test enumerates app.routes: every POST route
(except app.CSRF_EXEMPT) must refuse a missing or wrong CSRF token, so a route added later cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from stellenatlas.web.app import CSRF_EXEMPT, create_app
from tests.accounts.helpers import (
    csrf_token,
    fresh_settings,
    job_form,
    login,
    make_admin,
    post_job,
    register_employer,
    smtp_server,
)

TABLES = ("postings", "accounts", "employer_postings", "posting_reports", "account_tokens")


@dataclass
class World:
    app: Any
    clients: dict[str, TestClient]
    ids: dict[str, int]  # a_job, a_job2, b_job, a_account, b_account, unknown


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with smtp_server() as (inbox, port):
        app = create_app(fresh_settings(Path(tmp_path_factory.mktemp("matrix")), port))

        def client() -> TestClient:
            return TestClient(app, raise_server_exceptions=False)

        a, b, admin, anon = client(), client(), client(), client()
        register_employer(a, inbox, "Stadtwerke Beispiel GmbH", "personal@stadtwerke-beispiel.de")
        register_employer(b, inbox, "Bäckerei Müller", "info@baeckerei-mueller.de")
        make_admin(app, "pruefung@stellenatlas.test")
        login(a, "personal@stadtwerke-beispiel.de")
        login(b, "info@baeckerei-mueller.de")
        login(admin, "pruefung@stellenatlas.test")
        anon.get("/arbeitgeber")  # a CSRF cookie, so refusals are about access, not the token
        repo = app.state.accounts_repo
        ids = {
            "a_job": post_job(a, titel="Elektroniker für Betriebstechnik (m/w/d)"),
            "a_job2": post_job(a, titel="Anlagenmechaniker SHK (m/w/d)"),
            "b_job": post_job(b, titel="Bäcker (m/w/d)", ort="Bochum"),
            "a_account": repo.account_by_email("personal@stadtwerke-beispiel.de")["id"],
            "b_account": repo.account_by_email("info@baeckerei-mueller.de")["id"],
            "unknown": 987654,
        }
        yield World(app, {"anon": anon, "a": a, "b": b, "admin": admin}, ids)
        app.state.ctx.services.close()


def snapshot(app: Any) -> dict[str, list[tuple[Any, ...]]]:
    with app.state.ctx.services.engine.connect() as conn:
        return {
            t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}")).all()), key=repr) for t in TABLES
        }


EDIT = "/arbeitgeber/stellen/{id}/bearbeiten"
END = "/arbeitgeber/stellen/{id}/beenden"
PROFILE_DATA = {"beschreibung": "Neu", "website": "https://beispiel.de", "ort": "Bochum"}

# (method, path, target id key or None, form data, {role: expected status})
EMPLOYER_ONLY = {"anon": 303, "a": 200, "b": 200, "admin": 403}
ADMIN_ONLY_GET = {"anon": 303, "a": 403, "b": 403, "admin": 200}
ADMIN_ONLY_POST = {"anon": 303, "a": 403, "b": 403, "admin": 303}
OWN_A = {"anon": 303, "a": 200, "b": 404, "admin": 403}
OWN_A_POST = {"anon": 303, "a": 303, "b": 404, "admin": 403}
NOBODY = {"anon": 303, "a": 404, "b": 404, "admin": 403}
MATRIX: list[tuple[str, str, str | None, dict[str, str], dict[str, int]]] = [
    ("GET", "/arbeitgeber/konto", None, {}, EMPLOYER_ONLY),
    ("GET", "/arbeitgeber/profil", None, {}, EMPLOYER_ONLY),
    ("POST", "/arbeitgeber/profil", None, PROFILE_DATA, {**EMPLOYER_ONLY, "a": 303, "b": 303}),
    ("GET", "/arbeitgeber/stellen/neu", None, {}, EMPLOYER_ONLY),
    ("POST", "/arbeitgeber/stellen/neu", None, job_form(), {**EMPLOYER_ONLY, "a": 303, "b": 303}),
    ("GET", EDIT, "a_job", {}, OWN_A),
    ("POST", EDIT, "a_job", job_form(titel="Elektroniker (m/w/d) – geändert"), OWN_A_POST),
    ("POST", END, "a_job2", {}, OWN_A_POST),
    ("GET", EDIT, "unknown", {}, NOBODY),
    ("POST", EDIT, "unknown", job_form(), NOBODY),
    ("POST", END, "unknown", {}, NOBODY),
    ("GET", "/admin/pruefung", None, {}, ADMIN_ONLY_GET),
    ("POST", "/admin/pruefung/{id}/freigeben", "b_job", {}, ADMIN_ONLY_POST),
    ("POST", "/admin/pruefung/{id}/ablehnen", "a_job", {"grund": "Test"}, ADMIN_ONLY_POST),
    ("POST", "/admin/pruefung/{id}/sperren", "b_job", {"grund": "Test"}, ADMIN_ONLY_POST),
    ("POST", "/admin/arbeitgeber/{id}/freischalten", "b_account", {}, ADMIN_ONLY_POST),
]
# B's own ids, seen from A (the other direction of "other employer's id")
MATRIX += [
    ("GET", EDIT, "b_job", {}, {"anon": 303, "a": 404, "b": 200, "admin": 403}),
    ("POST", END, "b_job", {}, {"anon": 303, "a": 404, "b": 303, "admin": 403}),
]
ORDER = ("anon", "b", "a", "admin")  # refusals first, then the cells that are allowed to change something


def cells() -> list[tuple[str, str, str | None, dict[str, str], str, int]]:
    out = []
    for role in ORDER:
        for method, path, target, data, expected in MATRIX:
            out.append((method, path, target, data, role, expected[role]))
    return out


@pytest.mark.parametrize(
    ("method", "path", "target", "data", "role", "expected"),
    cells(),
    ids=[f"{c[4]}-{c[0]}-{c[1]}-{c[2]}" for c in cells()],
)
def test_access_matrix(
    world: World, method: str, path: str, target: str | None, data: dict[str, str], role: str, expected: int
) -> None:
    client = world.clients[role]
    url = path.format(id=world.ids[target]) if target else path
    before = snapshot(world.app)
    if method == "GET":
        r = client.get(url, follow_redirects=False)
    else:
        r = client.post(url, data={**data, "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert r.status_code == expected, (role, method, url, r.text[:300])
    if expected == 303 and role == "anon":
        assert r.headers["location"] == "/arbeitgeber/anmelden"
    if method == "POST" and expected in (403, 404) or (role == "anon" and method == "POST"):
        assert snapshot(world.app) == before, f"refused {method} {url} as {role} changed data"
    if expected == 404:
        assert "gibt es nicht" in r.text  # the same answer as for an id that does not exist


def test_other_employers_job_page_answers_like_an_unknown_id(world: World) -> None:
    b = world.clients["b"]
    own_missing = b.get(EDIT.format(id=world.ids["unknown"]))
    other = b.get(EDIT.format(id=world.ids["a_job"]))
    assert own_missing.status_code == other.status_code == 404
    strip = lambda html: html.split("<main>")[1].split("</main>")[0]  # noqa: E731
    assert strip(own_missing.text) == strip(other.text)


def post_routes(app: Any) -> list[str]:
    paths = []
    for route in app.routes:
        methods = getattr(route, "methods", None) or set()
        path = getattr(route, "path", "")
        if "POST" in methods and not path.startswith(CSRF_EXEMPT):
            paths.append(path)
    return sorted(paths)


def test_every_post_route_is_known_to_this_matrix(world: World) -> None:
    ours = {p for p in post_routes(world.app) if p.startswith(("/arbeitgeber", "/admin", "/jobs"))}
    covered = {m[1].replace("{id}", "{job_id}") for m in MATRIX if m[0] == "POST"}
    covered |= {"/arbeitgeber/registrieren", "/arbeitgeber/bestaetigen", "/arbeitgeber/anmelden"}
    covered |= {
        "/arbeitgeber/abmelden",
        "/jobs/{job_id}/melden",
        "/admin/arbeitgeber/{account_id}/freischalten",
    }
    assert ours - covered == set(), "a new private POST route needs its row in MATRIX"


@pytest.mark.parametrize("token", ["", "falsch-falsch-falsch-falsch-falsch-falsch"])
def test_every_post_route_refuses_missing_or_wrong_csrf_token(world: World, token: str) -> None:
    admin = world.clients["admin"]  # the most powerful session: nothing may get through even here
    routes = post_routes(world.app)
    assert len(routes) >= 12
    before = snapshot(world.app)
    for path in routes:
        url = path
        for param in ("{job_id}", "{account_id}", "{id}"):
            url = url.replace(param, str(world.ids["b_job"]))
        url = url.replace("{", "").replace("}", "")
        data = {"grund": "Test", "titel": "x", "email": "a@b.de", **({"csrf_token": token} if token else {})}
        r = admin.post(url, data=data, follow_redirects=False)
        assert r.status_code == 403, (path, r.status_code)
        assert "CSRF" in r.text, path
    assert snapshot(world.app) == before


def test_cross_site_origin_is_refused_even_with_token(world: World) -> None:
    admin = world.clients["admin"]
    url = f"/admin/pruefung/{world.ids['b_job']}/sperren"
    r = admin.post(
        url,
        data={"csrf_token": csrf_token(admin), "grund": "x"},
        headers={"Origin": "https://boese.example"},
        follow_redirects=False,
    )
    assert r.status_code == 403
