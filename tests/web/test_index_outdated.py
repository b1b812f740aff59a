"""An index built with an older schema: a clear message in the CLI and a 503 with a German text on the site,
never a traceback."""

from __future__ import annotations

from pathlib import Path

import tantivy
from click.testing import CliRunner
from fastapi.testclient import TestClient

from stellenatlas.cli.main import cli
from stellenatlas.settings import load_settings
from stellenatlas.store.db import create_engine_for, upgrade
from stellenatlas.web.app import create_app


def _old_index(index_dir: Path) -> None:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)  # what an index of an earlier version could look like
    (index_dir / "gen-1").mkdir(parents=True)
    tantivy.Index(builder.build(), path=str(index_dir / "gen-1"))
    (index_dir / "CURRENT").write_text("gen-1\n", encoding="utf-8")


def test_outdated_index_gets_503_and_a_rebuild_hint(tmp_path: Path) -> None:
    settings = load_settings(env={}, var_dir=str(tmp_path), api_rate_limit=0)
    upgrade(create_engine_for(settings.database_url))
    _old_index(Path(settings.index_dir))
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    page = client.get("/suche", params={"q": "Pflegefachkraft"})
    assert page.status_code == 503
    assert "stellenatlas index rebuild" in page.text and "Traceback" not in page.text
    data = client.get("/suche.json", params={"q": "Pflegefachkraft"})
    assert data.status_code == 503 and "index rebuild" in data.json()["error"]
    assert client.get("/").status_code == 200  # pages that need no search still work

    env = {"STELLENATLAS_VAR_DIR": str(tmp_path)}
    broken = CliRunner().invoke(cli, ["ingest", "sample", "--count", "5"], env=env)
    assert broken.exit_code == 1 and "index rebuild" in broken.output
    fixed = CliRunner().invoke(cli, ["index", "rebuild", "--if-outdated"], env=env)
    assert fixed.exit_code == 0 and "neu aufgebaut" in fixed.output, fixed.output
    assert CliRunner().invoke(cli, ["ingest", "sample", "--count", "5"], env=env).exit_code == 0
    # a current index is left alone (make demo runs this before every ingest)
    pointer = Path(settings.index_dir) / "CURRENT"
    live = pointer.read_text(encoding="utf-8")
    kept = CliRunner().invoke(cli, ["index", "rebuild", "--if-outdated"], env=env)
    assert kept.exit_code == 0 and "Suchindex aktuell" in kept.output, kept.output
    assert pointer.read_text(encoding="utf-8") == live
