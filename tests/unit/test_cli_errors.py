"""What the write commands say when something is wrong: one line on stderr, a non-zero exit,
never a traceback; and where ``articles upload`` puts each file."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from articles_cli import main as cli
from articles_cli.commands.upload import plan_keys

BUCKET = "article-pipeline-test-bucket"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield url
    server.stop()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for folder in ("x", "y"):
        (tmp_path / "coll" / folder).mkdir(parents=True)
        (tmp_path / "coll" / folder / "notes.md").write_text(
            f"# {folder}\n\nNotes from {folder}.\n"
        )
    (tmp_path / "coll" / "top.txt").write_text("A line of text.\n")
    return tmp_path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("articles: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_a_directory_keeps_its_files_relative_paths(tree):
    plan = plan_keys([str(tree / "coll")], "incoming/")
    assert sorted(key for _path, key in plan) == [
        "incoming/top.txt",
        "incoming/x/notes.md",
        "incoming/y/notes.md",
    ]


def test_a_file_keeps_its_name(tree):
    plan = plan_keys([str(tree / "coll" / "x" / "notes.md")], "incoming/")
    assert [key for _path, key in plan] == ["incoming/notes.md"]


def test_two_files_for_one_key_are_refused_before_anything_is_sent(capsys, tree, endpoint):
    x, y = tree / "coll" / "x" / "notes.md", tree / "coll" / "y" / "notes.md"
    status, _out, err = _run(
        capsys, "upload", str(x), str(y), "--bucket", BUCKET, "--endpoint-url", endpoint
    )
    assert status == 2
    line = _one_error_line(err)
    assert "incoming/notes.md" in line and str(x) in line and str(y) in line
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="incoming/notes.md")


def test_upload_of_a_directory_writes_the_relative_keys(capsys, tree, endpoint):
    status, out, _err = _run(
        capsys, "upload", str(tree / "coll"), "--bucket", BUCKET, "--endpoint-url", endpoint,
        "--prefix", "dirs",
    )  # fmt: skip
    assert status == 0, out
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="dirs/")["Contents"])
    assert keys == ["dirs/top.txt", "dirs/x/notes.md", "dirs/y/notes.md"]
    body = s3.get_object(Bucket=BUCKET, Key="dirs/y/notes.md")["Body"].read()
    assert b"Notes from y." in body


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_a_mistyped_bucket_is_one_line(capsys, monkeypatch, tree, endpoint, how):
    argv = ["upload", str(tree / "coll" / "top.txt"), "--endpoint-url", endpoint]
    if how == "flag":
        argv += ["--bucket", "article-pipeline-typo"]
    else:
        monkeypatch.setenv("ARTICLES_BUCKET", "article-pipeline-typo")
    status, _out, err = _run(capsys, *argv)
    assert status == 2
    line = _one_error_line(err)
    assert "article-pipeline-typo" in line and "does not exist" in line
    assert ("--bucket" if how == "flag" else "$ARTICLES_BUCKET") in line


def test_an_invalid_bucket_name_is_one_line(capsys, tree, endpoint):
    status, _out, err = _run(
        capsys, "upload", str(tree / "coll" / "top.txt"), "--bucket", "Not A Bucket!",
        "--endpoint-url", endpoint,
    )  # fmt: skip
    assert status != 0
    _one_error_line(err)


@pytest.mark.parametrize("command", ["upload", "reprocess"])
def test_an_endpoint_without_a_scheme_is_one_line(capsys, tree, command):
    target = str(tree / "coll" / "top.txt") if command == "upload" else "0123456789abcdef01234567"
    argv = [command, target, "--endpoint-url", "127.0.0.1:5999"]
    if command == "upload":
        argv += ["--bucket", BUCKET]
    else:
        argv += ["--queue-url", "http://127.0.0.1:5999/q", "--api-url", "http://127.0.0.1:1"]
    status, _out, err = _run(capsys, *argv)
    assert status != 0
    line = _one_error_line(err)
    if command == "upload":
        assert "http://" in line and "--endpoint-url" in line


def test_an_endpoint_nobody_listens_on_is_one_line(capsys, tree):
    status, _out, err = _run(
        capsys, "upload", str(tree / "coll" / "top.txt"), "--bucket", BUCKET,
        "--endpoint-url", f"http://127.0.0.1:{_free_port()}",
    )  # fmt: skip
    assert status != 0
    _one_error_line(err)


def test_reprocess_of_an_id_the_api_does_not_know_fails(capsys):
    # No API is listening: the lookup fails, so nothing can be sent blind.
    status, _out, err = _run(
        capsys, "reprocess", "0123456789abcdef01234567", "--api-url",
        f"http://127.0.0.1:{_free_port()}", "--queue-url", "http://127.0.0.1:1/q",
    )  # fmt: skip
    assert status != 0
    assert "cannot reach the API" in _one_error_line(err)


def test_a_summarizer_fallback_is_said_on_stderr(capsys, monkeypatch, tmp_path):
    # No credentials anywhere: botocore gives up before any request leaves the machine.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The ferry left at noon. It came back at six.")
    (tmp_path / "in" / "b.txt").write_text("The bridge opened at dawn. Traffic moved at once.")
    status, out, err = _run(
        capsys, "process", "--format", "jsonl", "--summarizer", "bedrock", str(tmp_path / "in")
    )
    assert status == 0
    assert out.count("(fallback: ") == 2
    warnings = [line for line in err.splitlines() if line.startswith("articles: warning:")]
    assert len(warnings) == 1, err  # once per reason, not once per file
    assert "fallback" in warnings[0]
