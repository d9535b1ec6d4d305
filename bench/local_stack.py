"""Local stack benchmark: the pipeline on moto against ``articles process`` on the same files.

    python bench/local_stack.py [--count 200 [--count 2000 ...]] [--keep DIR]

1. Writes ``--count`` distinct articles (HTML, Markdown, text, PDF) made from the sample
   articles in events/articles: paragraphs reordered, titles and a numbered sentence varied,
   so no two share content (the summarize stage reuses key points of identical text).
2. Times ``articles process DIR --format jsonl`` on them (one process, as a user runs it), wall
   time and CPU.
3. Times ``make run`` (environment built) to the first HTTP answer on the API port.
4. With that stack running, uploads every file with boto3 and waits until the pipeline's
   queues are empty (queue depths, one cheap call per queue and second: the bench does not
   list records while it waits, which would cost the stack O(N) per look). Then it reads every
   record once and reports: end-to-end time and the stack's CPU per article (all processes of
   the stack, from /proc), articles/s in each tenth of the run, the ratio to step 2, and
   whether anything was lost (no record), stuck (not terminal), duplicated (two records for a
   key, or extracted twice) or dead-lettered.
With several ``--count`` values it runs each size in turn and compares the stack's CPU per
article between the smallest and the largest (linear: within 10%).
Ports are picked free, so the figures do not depend on 3000/5000 being available.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "events" / "articles"
BIN = Path(sys.executable).parent
PLACES = ["Port Alder", "Kestrel Bay", "Millbrook", "Ashford Vale", "Greyhaven", "Linton Cross"]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _variant_sentence(index: int, rng: random.Random) -> str:
    place = rng.choice(PLACES)
    return (
        f"In {place}, report number {index} found that {rng.randint(12, 96)} residents "
        f"had followed the story closely over {rng.randint(2, 11)} weeks."
    )


def make_articles(directory: Path, count: int, seed: int = 7) -> list[Path]:
    """Distinct articles in four formats, derived from the samples."""
    rng = random.Random(seed)
    html = (SAMPLES / "harbour-tidal-barrier.html").read_text()
    markdown = (SAMPLES / "sourdough-starter-notes.md").read_text()
    texts = [
        (SAMPLES / name).read_text()
        for name in ("night-trains-return.txt", "community-garden-minutes.txt")
    ]
    html_paragraphs = re.findall(r"<p>(.*?)</p>", html, flags=re.S)
    paths = []
    for index in range(count):
        kind = index % 4
        extra = _variant_sentence(index, rng)
        if kind == 0:
            body = html_paragraphs[:]
            rng.shuffle(body)
            body.insert(1, extra)
            article = "\n".join(f"      <p>{p}</p>" for p in body)
            page = re.sub(
                r"(<article>.*?</p>\n)(.*?)(\n    </article>)",
                lambda m, a=article: m.group(1) + a + m.group(3),
                html,
                count=1,
                flags=re.S,
            )
            page = page.replace(
                "Harbour town votes to build a tidal barrier",
                f"Harbour town {index} votes to build a tidal barrier",
            )
            path = directory / f"article-{index:03d}.html"
            path.write_text(page)
        elif kind == 1:
            head, _, rest = markdown.partition("\n## ")
            sections = ["## " + s for s in rest.split("\n## ")]
            rng.shuffle(sections)
            text = head.replace("taught me", f"taught me (part {index})") + "\n" + extra + "\n\n"
            path = directory / f"article-{index:03d}.md"
            path.write_text(text + "\n".join(sections))
        elif kind == 2:
            paragraphs = _paragraphs(texts[index % 2])
            title, body = paragraphs[0], paragraphs[1:]
            rng.shuffle(body)
            body.insert(0, extra)
            path = directory / f"article-{index:03d}.txt"
            path.write_text("\n\n".join([f"{title}, edition {index}", *body]) + "\n")
        else:
            path = directory / f"article-{index:03d}.pdf"
            _write_pdf(path, index, extra, rng, texts[index % 2])
        paths.append(path)
    return paths


def _write_pdf(path: Path, index: int, extra: str, rng: random.Random, source: str) -> None:
    from fpdf import FPDF

    paragraphs = _paragraphs(source)
    title, body = paragraphs[0], paragraphs[1:]
    rng.shuffle(body)
    pdf = FPDF()
    pdf.set_title(f"{title} ({index})")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 9, f"{title} ({index})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for paragraph in [extra, *body]:
        text = paragraph.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.output(str(path))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the given processes (all their threads), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _group(pgid: int) -> list[int]:
    """The processes of one process group (the stack: make and articles serve under it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == pgid:
                pids.append(int(entry.name))
    return pids


def time_process(directory: Path) -> tuple[float, float, int]:
    started = time.perf_counter()
    before = os.times()
    result = subprocess.run(
        [str(BIN / "articles"), "process", str(directory), "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    failed = sum("error" in record for record in records)
    return elapsed, cpu, failed


def start_stack(
    aws_port: int, api_port: int, log_path: Path, *, samples: bool = False
) -> tuple[subprocess.Popen, float]:
    """``make run`` with the environment built; seconds until the API first answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARTICLES_"))}
    run_args = f"--aws-port {aws_port} --api-port {api_port}" + ("" if samples else " --no-samples")
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"RUN_ARGS={run_args}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so the stop reaches articles serve under make
        )
    url = f"http://127.0.0.1:{api_port}/articles?limit=1"
    while True:
        try:
            _get(url)
            return process, time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.perf_counter() - started > 120:
                raise SystemExit("the stack did not start:\n" + log_path.read_text()) from None
            time.sleep(0.05)


def stop_stack(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class StackRun:
    seconds: float
    upload_seconds: float
    cpu_seconds: float
    finished: list[float]  # completion time of each terminal record, from the first upload
    items: list[dict]
    dead_letters: int


def _clients(aws_port: int) -> tuple[Any, Any, Any]:
    options = {
        "endpoint_url": f"http://127.0.0.1:{aws_port}",
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    return tuple(boto3.client(service, **options) for service in ("s3", "sqs", "cloudformation"))


def _depths(sqs: Any, urls: list[str]) -> list[int]:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    depths = []
    for url in urls:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        depths.append(sum(int(attributes[name]) for name in names))
    return depths


def time_stack(
    paths: list[Path], stack: subprocess.Popen, aws_port: int, api_port: int
) -> StackRun:
    s3, sqs, cloudformation = _clients(aws_port)
    (deployed,) = cloudformation.describe_stacks()["Stacks"]  # the template's own answer
    (bucket,) = [o["OutputValue"] for o in deployed["Outputs"] if o["OutputKey"] == "BucketName"]
    urls = sqs.list_queues()["QueueUrls"]
    work = [url for url in urls if "DeadLetter" not in url and "dlq" not in url.lower()]
    dead = [url for url in urls if url not in work]
    cpu_before = _cpu_seconds(_group(stack.pid))
    wall_start = time.time()
    started = time.perf_counter()
    for path in paths:
        s3.upload_file(str(path), bucket, f"incoming/bench/{path.name}")
    uploaded = time.perf_counter() - started
    empty_in_a_row = 0
    while empty_in_a_row < 2:  # empty twice, a second apart: nothing in flight between looks
        time.sleep(1.0)
        empty_in_a_row = empty_in_a_row + 1 if not any(_depths(sqs, work)) else 0
        if time.perf_counter() - started > 1800:
            raise SystemExit(f"queues still busy after 1800 s: {_depths(sqs, work)}")
    cpu = _cpu_seconds(_group(stack.pid)) - cpu_before
    items = _all_items(f"http://127.0.0.1:{api_port}")
    ours = [item for item in items if item["source"]["key"].startswith("incoming/bench/")]
    finished = sorted(
        _epoch(item["updated_at"]) - wall_start
        for item in ours
        if item["status"] in ("SUMMARIZED", "FAILED")
    )
    seconds = finished[-1] if finished else time.time() - wall_start
    return StackRun(seconds, uploaded, cpu, finished, ours, sum(_depths(sqs, dead)))


def _by_tenth(finished: list[float], seconds: float) -> list[float]:
    """Articles finished per second in each tenth of the run's wall time."""
    width = seconds / 10
    counts = [0] * 10
    for moment in finished:
        counts[min(int(moment / width), 9)] += 1
    return [count / width for count in counts]


def _integrity(paths: list[Path], run: StackRun) -> dict[str, int]:
    keys = [item["source"]["key"] for item in run.items]
    expected = {f"incoming/bench/{path.name}" for path in paths}
    return {
        "lost": len(expected - set(keys)),
        "stuck": sum(item["status"] not in ("SUMMARIZED", "FAILED") for item in run.items),
        "duplicated": len(keys) - len(set(keys)),
        "extracted twice": sum(int(item.get("attempts") or 1) > 1 for item in run.items),
        "dead-lettered": run.dead_letters,
    }


def _all_items(api: str) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        query = "limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = _get(f"{api}/articles?{query}")
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def _epoch(timestamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def run_once(count: int, keep: Path | None) -> tuple[float, float, bool]:
    """One size: returns the stack's CPU per article, its wall-time ratio and integrity."""
    workdir = Path(tempfile.mkdtemp(prefix="articles-bench-"))
    directory = keep / str(count) if keep else workdir / "articles"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        paths = make_articles(directory, count)
        kinds = sorted({p.suffix for p in paths})
        print(f"{len(paths)} articles ({', '.join(kinds)}) in {directory}")

        process_seconds, process_cpu, process_failed = time_process(directory)
        print(
            f"articles process:        {process_seconds:7.2f} s  "
            f"({len(paths) / process_seconds:5.1f} articles/s, "
            f"{process_cpu / len(paths) * 1000:6.1f} ms CPU/article, {process_failed} failed)"
        )

        aws_port, api_port = _free_port(), _free_port()
        log_path = workdir / "stack.log"
        stack, ready_seconds = start_stack(aws_port, api_port, log_path)
        try:
            print(f"make run -> first answer: {ready_seconds:7.2f} s  (environment built)")
            run = time_stack(paths, stack, aws_port, api_port)
        finally:
            stop_stack(stack)
        failed = sum(item["status"] == "FAILED" for item in run.items)
        cpu_per_article = run.cpu_seconds / len(paths)
        print(
            f"local stack end to end:  {run.seconds:7.2f} s  "
            f"({len(paths) / run.seconds:5.1f} articles/s, "
            f"{cpu_per_article * 1000:6.1f} ms CPU/article, {failed} failed; "
            f"uploads took {run.upload_seconds:.2f} s, "
            f"{run.upload_seconds / len(paths) * 1000:.1f} ms each)"
        )
        tenths = " ".join(f"{rate:5.1f}" for rate in _by_tenth(run.finished, run.seconds))
        print(f"articles/s by tenth:     {tenths}")
        ratio = run.seconds / process_seconds
        print(
            f"overhead ratio (stack / process): {ratio:.2f}x wall, "
            f"{run.cpu_seconds / max(process_cpu, 1e-9):.2f}x CPU"
        )
        integrity = _integrity(paths, run)
        print("integrity: " + ", ".join(f"{name} {count}" for name, count in integrity.items()))
        return cpu_per_article, ratio, not any(integrity.values())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--count",
        type=int,
        action="append",
        help="articles per run (default 200); repeat it to compare sizes in one run",
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="write the articles here (one folder per count)"
    )
    args = parser.parse_args()
    counts = args.count or [200]
    results = {}
    for count in counts:
        if len(counts) > 1:
            print(f"--- {count} articles")
        results[count] = run_once(count, args.keep)
    if len(counts) > 1:
        smallest, largest = min(counts), max(counts)
        growth = results[largest][0] / results[smallest][0]
        print(
            f"stack CPU per article, {largest} / {smallest} articles: {growth:.2f}x "
            f"(linear within 10%: {'yes' if abs(growth - 1) <= 0.10 else 'no'}); "
            f"overhead ratio at {largest}: {results[largest][1]:.2f}x"
        )
    return 0 if all(ok for _, _, ok in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
