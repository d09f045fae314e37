"""`tasapaino run --base-url`: the articles' Markdown links and images become absolute, for
pasting into a blog; a malformed address is a usage error before anything runs."""

from __future__ import annotations

from pipelines.cli import main

BASE = "https://example.org/tasapaino/latest"


def test_run_with_a_base_url_writes_absolute_links(tmp_path, monkeypatch):
    monkeypatch.delenv("TASAPAINO_PUBLIC_URL", raising=False)
    out = tmp_path / "dist"
    assert main(["run", "--out", str(out), "--run-date", "2026-12-03", "--base-url", BASE]) == 0
    md = (out / "latest/articles/fi/eriytyminen-pohjois-pohjanmaa/index.md").read_text("utf-8")
    body = md.split("---", 2)[2]
    assert f"]({BASE}/articles/fi/eriytyminen-pohjois-pohjanmaa/occupations.svg)" in body
    assert f"]({BASE}/data/unit_shares.csv)" in body and "](../" not in body
    html = (out / "latest/articles/fi/eriytyminen-pohjois-pohjanmaa/index.html").read_text("utf-8")
    assert 'src="occupations.svg"' in html  # the HTML page keeps working from the disk


def test_a_base_url_that_is_not_http_is_a_usage_error(capsys, tmp_path):
    code = main(["run", "--out", str(tmp_path), "--base-url", "example.org/x"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--base-url example.org/x: not an http(s) URL" in err
    assert not (tmp_path / "latest").exists()
