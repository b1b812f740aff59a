"""Real browser (Debian chromium, headless) against a real server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stellenatlas.settings import Settings
from stellenatlas.web.app import create_app
from tests.support import chromium, live_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(sample_settings: Settings) -> Iterator[str]:
    with live_server(create_app(sample_settings)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def test_gelsenkirchen_page_in_real_browser(server: str, browser: object, tmp_path: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(f"{server}/beruf/it-projektkoordinator/gelsenkirchen")
    assert response is not None and response.status == 200
    assert (
        page.locator("h1").inner_text() == "IT-Projektkoordinator Jobs und Stellenangebote in Gelsenkirchen"
    )
    for section in (
        "#kennzahlen",
        "#stellen",
        "#trend",
        "#gehalt",
        "#arbeitgeber",
        "#anforderungen",
        "#quereinstieg",
        "#bildung",
        "#beruf",
        "#umgebung",
        "#ratgeber",
        "#daten",
    ):
        assert page.locator(section).is_visible(), section
    # the comparison table: city, Land and Germany
    assert page.locator("#trend table.compare tr").count() == 4
    # the career guide: several paragraphs, 300-600 words on a page with data, every one with text
    paragraphs = page.locator("#ratgeber p[data-narrative]")
    assert paragraphs.count() >= 5
    words = sum(len(paragraphs.nth(i).inner_text().split()) for i in range(paragraphs.count()))
    assert 150 <= words <= 600, words
    # salary: either figures with their region or the explicit "too few" note; tariff groups apart
    gehalt = page.locator("#gehalt").inner_text()
    assert "€" in gehalt or "zu wenige" in gehalt
    assert page.locator("#tarif").is_visible()
    # structured data parses in the browser too
    blocks = page.eval_on_selector_all(
        'script[type="application/ld+json"]', "els => els.map(e => JSON.parse(e.textContent)['@type'])"
    )
    assert {"BreadcrumbList", "Occupation", "JobPosting"} <= set(blocks)
    csv_link = page.locator('#daten a[href$=".csv"]')
    assert csv_link.count() == 1
    page.screenshot(path=str(tmp_path / "beruf-gelsenkirchen.png"), full_page=True)
    assert (tmp_path / "beruf-gelsenkirchen.png").stat().st_size > 10_000
    jobs = page.locator("#stellen ul.jobs li a")
    assert jobs.count() > 0
    assert "oordinat" in jobs.first.inner_text()
    active = int(page.locator('[data-fact="active"]').inner_text().replace(".", ""))
    assert active >= jobs.count()
    assert page.locator("#trend svg.chart rect").count() == 24
    assert "Beispieldaten" in page.locator("header.site").inner_text()
    # the page's first listed job opens its detail page
    jobs.first.click()
    page.wait_for_load_state()
    assert "/jobs/" in page.url
    assert page.locator("h1").inner_text()
    assert not errors
    page.close()


def test_search_form_works_without_javascript(server: str, browser: object) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "/")
    page.fill("input[name=q]", "Pflegefachkraft")
    page.fill("input[name=ort]", "Essen")
    page.click("form.search button")
    page.wait_for_load_state()
    assert "/suche?" in page.url
    assert "Treffer" in page.locator("main").inner_text()
    context.close()


def test_search_form_suggests_occupations_and_places(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server + "/")
    page.fill("input[name=q]", "Pflegefach")
    # (wait_for_function would evaluate a string, which the CSP forbids: good, so poll the DOM instead)
    page.locator("#occ-suggest option").first.wait_for(state="attached", timeout=5000)
    labels = page.eval_on_selector_all("#occ-suggest option", "els => els.map(e => e.value)")
    assert any(label.startswith("Pflegefach") for label in labels), labels
    page.fill("input[name=ort]", "Gelsenk")
    page.locator("#ort-suggest option").first.wait_for(state="attached", timeout=5000)
    places = page.eval_on_selector_all("#ort-suggest option", "els => els.map(e => e.value)")
    assert any("Gelsenkirchen" in p for p in places), places
    assert not errors  # CSP allows the same-origin script; nothing was blocked
    page.close()
