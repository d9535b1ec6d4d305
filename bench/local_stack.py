"""Local stack benchmark: the pipeline on moto against ``articles process`` on the same files.

    python bench/local_stack.py [--count 200] [--keep DIR]

1. Writes ``--count`` distinct articles (HTML, Markdown, text, PDF) made from the sample
   articles in events/articles: paragraphs reordered, titles and a numbered sentence varied,
   so no two share content (the summarize stage reuses key points of identical text).
2. Times ``articles process DIR --format jsonl`` on them (one process, as a user runs it).
3. Times ``make run`` (environment already built) to the first HTTP answer on the API port.
4. With that stack running, uploads every file with boto3 and times until every record is
   terminal (SUMMARIZED or FAILED) through the HTTP API; reports the ratio to step 2.
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
from pathlib import Path

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


def time_process(directory: Path) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "articles"), "process", str(directory), "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    failed = sum("error" in record for record in records)
    return elapsed, failed


def start_stack(aws_port: int, api_port: int, log_path: Path) -> tuple[subprocess.Popen, float]:
    """``make run`` with the environment built; seconds until the API first answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARTICLES_"))}
    run_args = f"--aws-port {aws_port} --api-port {api_port} --no-samples"
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
    url = f"http://127.0.0.1:{api_port}/articles"
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


def time_stack(paths: list[Path], aws_port: int, api_port: int) -> tuple[float, float, int]:
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{aws_port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    (bucket,) = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    wall_start = time.time()
    started = time.perf_counter()
    for path in paths:
        s3.upload_file(str(path), bucket, f"incoming/bench/{path.name}")
    uploaded = time.perf_counter() - started
    api = f"http://127.0.0.1:{api_port}"
    while True:
        # Listing every record costs the stack work too: look rarely, and take the end time
        # from the records themselves (updated_at of the last one to finish).
        time.sleep(1.0)
        items = _all_items(api)
        done = [item for item in items if item["status"] in ("SUMMARIZED", "FAILED")]
        if len(done) >= len(paths):
            last = max(_epoch(item["updated_at"]) for item in done)
            failed = sum(item["status"] == "FAILED" for item in done)
            return last - wall_start, uploaded, failed
        if time.perf_counter() - started > 900:
            raise SystemExit(f"only {len(done)} of {len(paths)} terminal after 900s")


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None, help="write the articles here")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="articles-bench-"))
    directory = args.keep or workdir / "articles"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        paths = make_articles(directory, args.count)
        kinds = sorted({p.suffix for p in paths})
        print(f"{len(paths)} articles ({', '.join(kinds)}) in {directory}")

        process_seconds, process_failed = time_process(directory)
        print(
            f"articles process:        {process_seconds:7.2f} s  "
            f"({len(paths) / process_seconds:5.1f} articles/s, {process_failed} failed)"
        )

        aws_port, api_port = _free_port(), _free_port()
        log_path = workdir / "stack.log"
        stack, ready_seconds = start_stack(aws_port, api_port, log_path)
        try:
            print(f"make run -> first answer: {ready_seconds:7.2f} s  (environment built)")
            stack_seconds, upload_seconds, stack_failed = time_stack(paths, aws_port, api_port)
        finally:
            stop_stack(stack)
        print(
            f"local stack end to end:  {stack_seconds:7.2f} s  "
            f"({len(paths) / stack_seconds:5.1f} articles/s, {stack_failed} failed; "
            f"uploads took {upload_seconds:.2f} s)"
        )
        print(f"overhead ratio (stack / process): {stack_seconds / process_seconds:.2f}x")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
