"""What the commands say when something is wrong: one line on stderr, a non-zero exit, never a
traceback (unreachable endpoints, wrong buckets and stacks, unknown profiles, bad flag values);
where ``articles upload`` puts each file, and where the commands find the pipeline."""

from __future__ import annotations

import io
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
    assert "by the extractive backend, not Bedrock" in warnings[0]
    assert "(unavailable: no AWS credentials were found" in warnings[0]  # and why


# -- where the pipeline is: flags, environment, the stack's outputs, the local endpoints file --


STACK = "article-pipeline-unit"
STACK_BUCKET = "article-pipeline-unit-bucket"
STACK_TEMPLATE = {
    "Resources": {
        "ArticlesBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": STACK_BUCKET}},
        "IngestQueue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "unit-ingest"}},
    },
    "Outputs": {
        "BucketName": {"Value": {"Ref": "ArticlesBucket"}},
        "IngestQueueUrl": {"Value": {"Ref": "IngestQueue"}},
    },
}


@pytest.fixture(scope="module")
def stack_endpoint(endpoint: str) -> str:
    import json

    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name="us-east-1")
    cloudformation.create_stack(StackName=STACK, TemplateBody=json.dumps(STACK_TEMPLATE))
    return endpoint


def _keys(endpoint: str, bucket: str, prefix: str) -> list[str]:
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    return sorted(
        o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    )


def test_upload_takes_the_bucket_from_the_stack_outputs_and_prints_each_record_id(
    capsys, tree, stack_endpoint
):
    from articles.records.models import record_id

    status, out, err = _run(
        capsys, "upload", str(tree / "coll"), "--stack-name", STACK,
        "--endpoint-url", stack_endpoint, "--prefix", "from-stack/",
    )  # fmt: skip
    assert status == 0, err
    assert _keys(stack_endpoint, STACK_BUCKET, "from-stack/") == [
        "from-stack/top.txt",
        "from-stack/x/notes.md",
        "from-stack/y/notes.md",
    ]
    # stdout: one "id  key" line per upload, the id being the record's (bucket and key)
    lines = out.splitlines()
    assert len(lines) == 3
    for line in lines:
        id_, key = line.split("  ")
        assert id_ == record_id(STACK_BUCKET, key)
    assert "uploaded 3 file(s)" in err


@pytest.mark.parametrize("command", ["upload", "list", "show", "watch", "reprocess"])
def test_an_unknown_stack_is_one_line(capsys, tree, stack_endpoint, command):
    argv = {
        "upload": ["upload", str(tree / "coll" / "top.txt")],
        "list": ["list"],
        "show": ["show", "0123456789abcdef01234567"],
        "watch": ["watch", "0123456789abcdef01234567"],
        "reprocess": ["reprocess", "--failed"],
    }[command]
    status, _out, err = _run(
        capsys, *argv, "--stack-name", "no-such-stack", "--endpoint-url", stack_endpoint
    )
    assert status == 2
    line = _one_error_line(err)
    assert "no stack named 'no-such-stack'" in line and "--stack-name" in line


@pytest.mark.parametrize("command", ["upload", "list", "show", "watch", "reprocess", "process"])
def test_an_unknown_profile_is_one_line(capsys, tmp_path, monkeypatch, tree, command):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    argv = {
        "upload": ["upload", str(tree / "coll" / "top.txt")],
        "list": ["list"],
        "show": ["show", "0123456789abcdef01234567"],
        "watch": ["watch"],
        "reprocess": ["reprocess", "--failed"],
        "process": ["process", "--summarizer", "bedrock", str(tree / "coll" / "top.txt")],
    }[command]
    status, out, err = _run(capsys, *argv, "--profile", "no-such-profile")
    assert status == 2
    assert "AWS profile 'no-such-profile' not found" in _one_error_line(err)
    assert out == ""


def _local_stack_file(endpoint: str, bucket: str, *, pid: int | None = None) -> None:
    import os
    import time

    from articles_cli.local import endpoints

    endpoints.write(
        endpoints.LocalEndpoints(
            pid=pid or os.getpid(),
            stack_name="article-pipeline-local",
            region="us-east-1",
            endpoint_url=endpoint,
            api_url=f"http://127.0.0.1:{_free_port()}",
            bucket=bucket,
            ingest_queue_url=f"{endpoint}/123456789012/unit-ingest",
            started_at=time.time(),
        )
    )


@pytest.fixture
def stacks_dir(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "stacks"
    monkeypatch.setenv("ARTICLES_LOCAL_STACKS_DIR", str(directory))
    return directory


def test_a_running_local_stack_is_found_without_flags_and_flags_still_win(
    capsys, monkeypatch, tree, endpoint, stacks_dir
):
    other = "article-pipeline-other-bucket"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=other)
    _local_stack_file(endpoint, BUCKET)
    top = str(tree / "coll" / "top.txt")

    status, _out, err = _run(capsys, "upload", top, "--prefix", "found/")
    assert status == 0, err
    assert _keys(endpoint, BUCKET, "found/") == ["found/top.txt"]

    status, _out, err = _run(capsys, "upload", top, "--prefix", "flag/", "--bucket", other)
    assert status == 0, err
    assert _keys(endpoint, other, "flag/") == ["flag/top.txt"]
    assert _keys(endpoint, BUCKET, "flag/") == []

    monkeypatch.setenv("ARTICLES_BUCKET", other)
    status, _out, err = _run(capsys, "upload", top, "--prefix", "env/")
    assert status == 0, err
    assert _keys(endpoint, other, "env/") == ["env/top.txt"]

    # The list command reads the stack's API (nothing listens there: the message says where
    # the URL came from), unless --api-url says otherwise.
    status, _out, err = _run(capsys, "list")
    assert status == 1
    assert "from the local stack at " + endpoint in _one_error_line(err)
    status, _out, err = _run(capsys, "list", "--api-url", "http://127.0.0.1:1")
    assert "from --api-url" in _one_error_line(err)


def test_a_dead_local_stack_is_ignored_and_its_file_removed(capsys, tree, endpoint, stacks_dir):
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    _local_stack_file(endpoint, BUCKET, pid=int(gone.stdout))
    assert len(list(stacks_dir.glob("*.json"))) == 1
    status, _out, err = _run(capsys, "list")
    assert status == 1
    assert "http://127.0.0.1:3000 (from the default" in _one_error_line(err)
    assert list(stacks_dir.glob("*.json")) == []


def test_profile_means_aws_rather_than_the_local_stack(capsys, tmp_path, monkeypatch, tree,
                                                       endpoint, stacks_dir):  # fmt: skip
    (tmp_path / "config").write_text("[profile unit]\nregion = eu-west-1\n")
    (tmp_path / "credentials").write_text(
        "[unit]\naws_access_key_id = unit\naws_secret_access_key = unit\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    _local_stack_file(endpoint, BUCKET)
    status, _out, err = _run(capsys, "upload", str(tree / "coll" / "top.txt"), "--profile", "unit")
    assert status == 2
    assert "pass --stack-name" in _one_error_line(err)  # not the local stack's bucket


# -- bad flag values: one line, exit 2, for every command ------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["process", "--key-points", "0", "x"], "--key-points: must be 1-7"),
        (["process", "--key-points", "8", "x"], "--key-points: must be 1-7"),
        (["process", "--key-points", "many", "x"], "'many' is not a whole number"),
        (["process", "--jobs", "0", "x"], "--jobs: must be at least 1"),
        (["process", "--keywords", "21", "x"], "--keywords: must be 0-20"),
        (["process", "--format", "yaml", "x"], "invalid choice: 'yaml'"),
        (["process", "--output-dir", "out", "--format", "jsonl", "x"], "jsonl is for standard"),
        (["process", "-", "-"], "can be given once"),
        (["list", "--limit", "-1"], "--limit: must be 0 (all) or more"),
        (["list", "--limit", "ten"], "'ten' is not a whole number"),
        (["list", "--status", "DONE"], "invalid choice: 'DONE'"),
        (["watch", "--interval", "0"], "--interval must be more than 0"),
        (["watch", "--timeout", "-5", "x"], "--timeout must be more than 0"),
        (["upload", "--wait", "--timeout", "0", "README.md"], "--timeout must be more than 0"),
        (["upload", "--timeout", "soon", "README.md"], "--timeout: invalid float value"),
        (["serve", "--aws-port", "http"], "--aws-port: invalid int value"),
        (["serve", "--parameter", "NoEquals"], "--parameter expects NAME=VALUE"),
        (["show"], "the following arguments are required: ID"),
        (["reprocess"], "one of the arguments"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["list", "--api-url", "ftp://example.com"], "API URL must be http(s)"),
    ],
)
def test_a_bad_flag_value_is_one_line(capsys, argv, expected):
    try:
        status = cli.main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert expected in _one_error_line(err)


@pytest.mark.parametrize(
    "argv",
    [["list"], ["list", "--json"], ["show", "abc"], ["watch", "abc"], ["watch"],
     ["reprocess", "--failed"], ["reprocess", "abc"]],
)  # fmt: skip
def test_an_unreachable_api_is_one_line_for_every_reader(capsys, argv):
    url = f"http://127.0.0.1:{_free_port()}"
    status, out, err = _run(capsys, *argv, "--api-url", url)
    assert status == 1
    assert f"cannot reach the API at {url} (from --api-url" in _one_error_line(err)
    assert out == ""


# -- the upload progress bar: files and bytes; Ctrl-C ends its line and says how many went up


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_upload_bar_counts_files_and_bytes():
    from articles_cli.commands.upload import UploadProgress

    bar = UploadProgress(3, 3000, _Tty())
    bar(1000)
    bar.file_done()
    bar(500)
    assert bar.stream.getvalue().endswith("1/3 files  1.5 kB/3.0 kB   50%")
    bar.stop()
    assert bar.stream.getvalue().endswith("\n")


def test_ctrl_c_during_an_upload_says_how_many_files_went_up(tmp_path, endpoint):
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(80):
        (folder / f"part-{number:02d}.txt").write_bytes(os.urandom(150_000).hex().encode())
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "articles_cli.main", "upload", str(folder), "--bucket", BUCKET,
         "--endpoint-url", endpoint, "--prefix", "interrupted/"],
        stdout=subprocess.PIPE, stderr=terminal, stdin=terminal, env=env,
    )  # fmt: skip
    os.close(terminal)
    assert process.stdout is not None
    first = process.stdout.readline()  # the first file is up
    assert first.strip()
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    screen = b""
    while select.select([controller], [], [], 0.5)[0]:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    os.close(controller)
    assert process.returncode == 130
    printed = [first, *rest.splitlines()]
    text = screen.decode()
    assert " files  " in text  # the bar was drawn, counting files
    last = text.rstrip("\r\n").splitlines()[-1]
    assert f"articles: interrupted: {len(printed)} of 80 file(s) uploaded" in last
    assert "\rarticles: interrupted" not in text  # the bar's line was ended first
    assert len(printed) < 80
    assert len(_keys(endpoint, BUCKET, "interrupted/")) >= len(printed)


def test_watch_redraws_its_table_in_place():
    from articles_cli.commands._follow import LiveTable, Tracked

    screen = _Tty()
    table = LiveTable(screen, "watching")
    first = Tracked("a" * 24, "incoming/one.txt", status="QUEUED")
    table.draw([first])
    assert screen.getvalue().startswith("watching\n" + "a" * 24 + "  QUEUED")
    first.update({"status": "SUMMARIZED", "title": "One", "source": {"key": "incoming/one.txt"}})
    table.draw([first, Tracked("b" * 24, "incoming/two.txt")])
    second = screen.getvalue().split("\x1b[2F\x1b[J", 1)  # up over the 2 lines drawn, clear
    assert len(second) == 2
    rows = second[1].splitlines()
    assert rows[1].startswith("a" * 24 + "  SUMMARIZED  incoming/one.txt  One")
    assert rows[2].startswith("b" * 24 + "  WAITING     incoming/two.txt")


def test_list_and_show_sign_with_the_chosen_profile(tmp_path, monkeypatch):
    from articles_cli.commands._remote import ApiClient
    from articles_cli.main import build_parser

    (tmp_path / "config").write_text("[profile reader]\nregion = eu-west-1\n")
    (tmp_path / "credentials").write_text(
        "[reader]\naws_access_key_id = AKIAREADER\naws_secret_access_key = secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)  # they would win over the profile
    url = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1"
    args = build_parser().parse_args(["list", "--profile", "reader", "--api-url", url])
    client = ApiClient.from_args(args)
    headers = client._sigv4_headers(f"{url}/articles")
    assert "Credential=AKIAREADER/" in headers["Authorization"]
    assert "/eu-west-1/execute-api/aws4_request" in headers["Authorization"]
