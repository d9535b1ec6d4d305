"""The articles command against the local stack, as a user runs it in another shell.

Every command runs as a subprocess without endpoint flags: it finds the stack through the
endpoints file ``articles serve`` writes. Uploads also go through the real ``aws`` CLI when it
is installed, and boto3.
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from articles.records.models import record_id
from tests.conftest import ROOT
from tests.e2e.conftest import BAD_PDF, SAMPLES, RunningStack, child_environment, start_stack

pytestmark = pytest.mark.e2e

TIMEOUT = 120.0
GOOD = ("harbour-tidal-barrier.html", "sourdough-starter-notes.md", "night-trains-return.txt")
TITLES = {
    "harbour-tidal-barrier.html": "Harbour town votes to build a tidal barrier",
    "sourdough-starter-notes.md": "What a year of keeping a sourdough starter taught me",
    "night-trains-return.txt": "Night trains make a comeback across Europe",
}


def articles(*argv: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "articles_cli.main", *argv],
        cwd=ROOT,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _wait_until_idle(stack: RunningStack) -> None:
    """Until the samples are in and nothing is in progress."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        items = stack.get("/articles?limit=100")["items"]
        if len(items) >= 5 and all(item["status"] in ("SUMMARIZED", "FAILED") for item in items):
            return
        time.sleep(0.3)
    pytest.fail("the stack did not finish what it was given")


def test_upload_wait_prints_one_line_per_article_and_fails_for_the_bad_one(
    stack: RunningStack, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "broken report.pdf").write_bytes(BAD_PDF)

    result = articles(
        "upload", "--wait", "--timeout", "90", "--prefix", "incoming/wait", str(folder)
    )

    assert result.returncode == 1, result.stderr  # not all SUMMARIZED
    lines = result.stdout.splitlines()
    assert len(lines) == 4, result.stdout
    bucket = stack.bucket()
    seen = {}
    for line in lines:
        id_, status, key, *rest = re.split(r"\s{2,}", line)
        assert id_ == record_id(bucket, key)
        seen[key] = (status, rest[0] if rest else "")
    for name in GOOD:
        assert seen[f"incoming/wait/{name}"] == ("SUMMARIZED", TITLES[name])
    assert seen["incoming/wait/broken report.pdf"] == ("FAILED", "corrupt_document")
    assert "uploaded 4 file(s)" in result.stderr
    assert "error" not in result.stderr

    # Without --wait: the record id of each upload, and exit 0.
    again = articles("upload", "--prefix", "incoming/nowait", str(folder / GOOD[0]))
    assert again.returncode == 0, again.stderr
    key = f"incoming/nowait/{GOOD[0]}"
    assert again.stdout == f"{record_id(bucket, key)}  {key}\n"


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def test_watch_sees_the_transitions(stack: RunningStack, tmp_path: Path) -> None:
    _wait_until_idle(stack)
    watch = subprocess.Popen(
        [sys.executable, "-m", "articles_cli.main", "watch", "--interval", "0.1"],
        cwd=ROOT,
        env=child_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert watch.stderr is not None and watch.stdout is not None
        assert "watching every article" in watch.stderr.readline()  # its first look is done
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_lines, args=(watch.stdout, lines), daemon=True).start()

        bucket = stack.bucket()
        keys = {"incoming/watch/trains.txt": "SUMMARIZED", "incoming/watch/bad.pdf": "FAILED"}
        aws = shutil.which("aws")
        if aws:
            keys["incoming/watch/by aws cli.md"] = "SUMMARIZED"
            subprocess.run(
                [aws, "--endpoint-url", stack.endpoint, "s3", "cp",
                 str(SAMPLES / "sourdough-starter-notes.md"),
                 f"s3://{bucket}/incoming/watch/by aws cli.md"],
                check=True, capture_output=True, timeout=60,
                env={**child_environment(), "AWS_ACCESS_KEY_ID": "testing",
                     "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"},
            )  # fmt: skip
        s3 = stack.s3()
        s3.upload_file(
            str(SAMPLES / "night-trains-return.txt"), bucket, "incoming/watch/trains.txt"
        )
        s3.put_object(Bucket=bucket, Key="incoming/watch/bad.pdf", Body=BAD_PDF)

        by_key: dict[str, list[str]] = {key: [] for key in keys}
        deadline = time.monotonic() + TIMEOUT
        while any(not seq or seq[-1] not in ("SUMMARIZED", "FAILED") for seq in by_key.values()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"watch did not see every article end: {by_key}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            at, id_, status, key, *_rest = re.split(r"\s{2,}", line.rstrip("\n"))
            assert re.fullmatch(r"\d\d:\d\d:\d\dZ", at)
            assert id_ == record_id(bucket, key)
            assert key in by_key, line  # the samples ended before watch started: not shown
            by_key[key].append(status)
        watch.send_signal(signal.SIGINT)
        assert watch.wait(timeout=20) == 0
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait(10)

    order = ["QUEUED", "EXTRACTED", "SUMMARIZED", "FAILED"]
    for key, expected in keys.items():
        statuses = by_key[key]
        assert statuses[-1] == expected, (key, statuses)
        # each change once, in life-cycle order
        assert statuses == sorted(set(statuses), key=order.index), (key, statuses)
    assert by_key["incoming/watch/trains.txt"][-1] == "SUMMARIZED"


def test_list_json_is_the_apis_answer_and_more_is_announced(stack: RunningStack) -> None:
    _wait_until_idle(stack)
    with urllib.request.urlopen(f"{stack.api_url}/articles?limit=2", timeout=10) as response:
        raw = response.read().decode()
    result = articles("list", "--json", "--limit", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == raw + "\n"

    first = articles("list", "--limit", "2")
    assert first.returncode == 0
    hint = first.stderr.strip()
    assert hint.startswith("more articles: 2 shown; the next page: articles list --limit 2 ")
    command = hint.split("the next page: ")[1].split(" (or")[0].split()
    second = articles(*command[1:])
    assert second.returncode == 0, second.stderr
    four = [item["id"] for item in stack.get("/articles?limit=4")["items"]]
    assert [line.split()[0] for line in first.stdout.splitlines()] == four[:2]
    assert [line.split()[0] for line in second.stdout.splitlines()] == four[2:]


def test_unknown_ids_are_one_line_and_a_known_one_is_reprocessed(stack: RunningStack) -> None:
    for argv in (["show", "0123456789abcdef01234567"], ["watch", "0123456789abcdef01234567"],
                 ["reprocess", "0123456789abcdef01234567"]):  # fmt: skip
        result = articles(*argv)
        assert result.returncode == 1, argv
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("articles: error: "), result.stderr
        assert "0123456789abcdef01234567" in lines[0]
        assert result.stdout == ""

    _wait_until_idle(stack)
    sample = stack.get("/articles?limit=1")["items"][0]
    sent = articles("reprocess", sample["id"])  # the queue from the endpoints file
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.strip() == f"reprocessing 1 article(s): {sample['id']}"
    shown = articles("show", sample["id"], "--json")
    assert json.loads(shown.stdout)["id"] == sample["id"]


def test_a_second_local_stack_on_other_ports_is_found_by_list_without_flags(
    stack: RunningStack, tmp_path: Path
) -> None:
    _wait_until_idle(stack)
    assert len(articles("list").stdout.splitlines()) >= 5  # the first stack, found by itself

    second_stack = start_stack(tmp_path / "second.log", "--no-samples")
    second = next(second_stack)
    try:
        assert (second.aws_port, second.api_port) != (stack.aws_port, stack.api_port)
        empty = articles("list")
        assert (empty.returncode, empty.stdout) == (0, "no articles\n"), empty.stderr

        uploaded = articles("upload", "--wait", "--timeout", "90", str(SAMPLES / GOOD[2]))
        assert uploaded.returncode == 0, uploaded.stderr
        listed = articles("list")
        assert listed.returncode == 0
        assert [line.split(None, 2)[2] for line in listed.stdout.splitlines()] == [TITLES[GOOD[2]]]
        # stopping it (Ctrl-C) removes its file: the first stack is found again
        second.process.send_signal(signal.SIGINT)
        assert second.process.wait(timeout=30) == 0
    finally:
        second_stack.close()
    again = articles("list")
    assert len(again.stdout.splitlines()) >= 5, again.stderr
