"""The ``articles process`` command: record shapes, formats, failures, directories, --jobs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from articles_cli import main as cli
from articles_cli.commands import process

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    (tmp_path / "news.html").write_bytes((FIXTURES / "news_article.html").read_bytes())
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "page.txt").write_bytes((FIXTURES / "ai_news_page.txt").read_bytes())
    (tmp_path / "nested" / "notes.md").write_text(
        "# Notes\n\nThe meeting moved to Friday at noon.\n"
    )
    (tmp_path / "nested" / "image.png").write_bytes(b"\x89PNG\r\n")  # skipped in directories
    return tmp_path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(["process", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_is_one_array_with_source_and_model_fields(capsys, inputs):
    source = str(inputs / "news.html")
    status, out, _ = _run(capsys, source)
    assert status == 0
    records = json.loads(out)
    assert len(records) == 1
    record = records[0]
    assert record["source"] == source
    assert record["title"] == "Harbour town votes to rebuild its sea wall"
    for key in (
        "text",
        "authors",
        "published",
        "language",
        "site_name",
        "url",
        "description",
        "content_type",
        "word_count",
        "reading_minutes",
        "content_sha256",
        "extractor",
    ):
        assert key in record


def test_directories_recurse_into_supported_files(capsys, inputs):
    status, out, _ = _run(capsys, "--format", "jsonl", str(inputs))
    assert status == 0
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert sources == [
        str(inputs / "nested" / "notes.md"),
        str(inputs / "nested" / "page.txt"),
        str(inputs / "news.html"),
    ]


def test_failures_are_records_and_the_exit_status_is_non_zero(capsys, inputs):
    (inputs / "empty.txt").write_bytes(b"")
    missing = str(inputs / "missing.html")
    status, out, err = _run(
        capsys, "--format", "jsonl", missing, str(inputs / "empty.txt"), str(inputs / "news.html")
    )
    assert status == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0] == {
        "source": missing,
        "error": {"code": "not_found", "message": records[0]["error"]["message"]},
    }
    assert records[1]["error"]["code"] == "empty_document"
    assert records[2]["title"]  # the batch went on after the failures
    assert "2 of 3 inputs failed" in err


def test_too_large_is_refused_before_reading(capsys, inputs):
    status, out, _ = _run(
        capsys, "--format", "jsonl", "--max-bytes", "100", str(inputs / "news.html")
    )
    assert status == 1
    assert json.loads(out)["error"]["code"] == "too_large"


def test_markdown_digest(capsys, inputs):
    status, out, _ = _run(capsys, "--format", "markdown", str(inputs / "news.html"))
    assert status == 0
    assert out.startswith("# Harbour town votes to rebuild its sea wall\n")
    assert "The Coastal Courier · Maria Okafor, Tom Reyes · 2024-03-14T08:30:00+00:00 · en" in out
    assert "## Text" in out and "Residents of Port Elsby" in out


def test_markdown_digest_shows_key_points_when_present():
    digest = process.markdown_digest(
        {"source": "a.txt", "title": "T", "text": "Body.", "key_points": ["One.", "Two."]}
    )
    assert "## Key points\n\n- One.\n- Two." in digest


def test_jobs_spread_work_and_keep_input_order(capsys, inputs):
    status, out, _ = _run(capsys, "--format", "jsonl", "--jobs", "2", str(inputs))
    assert status == 0
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert sources == sorted(sources, key=lambda s: (Path(s).parent != inputs / "nested", s))


def test_progress_bar_only_on_a_terminal_with_many_files():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet = process.Progress(50, io.StringIO())
    quiet.step(False)
    assert quiet.stream.getvalue() == ""
    few = process.Progress(2, Tty())
    few.step(False)
    assert few.stream.getvalue() == ""
    loud = process.Progress(50, Tty())
    loud.step(True)
    loud.close()
    assert "1/50" in loud.stream.getvalue() and "failed: 1" in loud.stream.getvalue()


def test_process_one_never_raises(tmp_path):
    record = process.process_one(str(tmp_path), process.ProcessOptions(max_bytes=1024))
    assert record["error"]["code"] == "not_found"


def test_a_dash_reads_standard_input(capsys, monkeypatch, inputs):
    data = (inputs / "news.html").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, out, _ = _run(capsys, "--format", "jsonl", "-", str(inputs / "nested" / "notes.md"))
    assert status == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["source"] == "-"
    assert first["title"] == "Harbour town votes to rebuild its sea wall"
    assert second["title"] == "Notes"


def test_standard_input_over_the_limit_is_refused(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"word " * 400)))
    status, out, _ = _run(capsys, "--format", "jsonl", "--max-bytes", "1000", "-")
    assert status == 1
    assert json.loads(out)["error"]["code"] == "too_large"


@pytest.mark.parametrize(("fmt", "suffix"), [("json", ".json"), ("markdown", ".md")])
def test_output_dir_writes_one_file_per_input(capsys, inputs, tmp_path, fmt, suffix):
    out_dir = tmp_path / "out"
    status, out, _ = _run(capsys, "--format", fmt, "--output-dir", str(out_dir), str(inputs))
    assert status == 0
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    assert written == sorted(["news" + suffix, "nested/page" + suffix, "nested/notes" + suffix])
    assert sorted(out.split()) == sorted(str(out_dir / name) for name in written)
    notes = (out_dir / ("nested/notes" + suffix)).read_text()
    if fmt == "json":
        assert json.loads(notes)["title"] == "Notes"
    else:
        assert notes.startswith("# Notes\n")


def test_output_dir_keeps_two_names_apart(capsys, tmp_path):
    (tmp_path / "a.md").write_text("# From Markdown\n\nOne line of text here.\n")
    (tmp_path / "a.txt").write_text("From text\n\nAnother line of text here.\n")
    out_dir = tmp_path / "out"
    status, _out, _ = _run(
        capsys, "--output-dir", str(out_dir), str(tmp_path / "a.md"), str(tmp_path / "a.txt")
    )
    assert status == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.md.json", "a.txt.json"]
    assert json.loads((out_dir / "a.md.json").read_text())["title"] == "From Markdown"


@pytest.mark.parametrize("count", [0, 2, 12])
def test_keywords_n(capsys, inputs, count):
    status, out, _ = _run(capsys, "--format", "jsonl", "--keywords", str(count),
                          str(inputs / "news.html"))  # fmt: skip
    assert status == 0
    keywords = json.loads(out)["keywords"]
    assert len(keywords) == count if count <= 5 else 5 < len(keywords) <= count
    assert len({k.casefold() for k in keywords}) == len(keywords)
