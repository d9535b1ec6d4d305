from __future__ import annotations

from pathlib import Path

from keypoints_samples import FLOOD

from articles_cli.commands.process import options_from, process_one
from articles_cli.main import build_parser


def test_process_fills_key_points(tmp_path: Path) -> None:
    source = tmp_path / "flood.txt"
    source.write_text(FLOOD, encoding="utf-8")
    args = build_parser().parse_args(
        ["process", str(source), "--key-points", "4", "--summarizer", "extractive"]
    )
    record = process_one(str(source), options_from(args))
    assert "error" not in record, record
    assert len(record["key_points"]) == 4
    assert record["summary"]
    assert 5 <= len(record["keywords"]) <= 10
    assert record["summarizer"].startswith("extractive ")
