"""Local API benchmark: keep-alive latency and concurrency of ``make run``'s HTTP API.

    python bench/api.py [--requests 500] [--clients 8]

Starts the local stack with its sample articles on free ports, then over keep-alive
connections (one ``http.client`` connection per client, as a browser or an SDK holds one):

1. p50 and p95 of ``GET /articles/{id}`` beside ``GET /openapi.json`` (the API's cheapest
   answer, no AWS call), ``--requests`` each, one client;
2. requests/s of one client, then of ``--clients`` clients at once (separate processes, so the
   clients do not share one interpreter lock), each sending ``--requests`` requests;
3. that the sample articles each have one record, in a terminal status, and that every answer
   by id was the same record (nothing lost, stuck, duplicated or mixed up between requests).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from local_stack import SAMPLES, _all_items, _free_port, _get, start_stack, stop_stack


def _timings(port: int, path: str, count: int) -> list[float]:
    return _requests(port, path, count)[0]


def _requests(port: int, path: str, count: int) -> tuple[list[float], set[bytes]]:
    """Milliseconds per request over one keep-alive connection, and the distinct bodies."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples = []
    bodies: set[bytes] = set()
    try:
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"GET {path} answered {response.status}")
            samples.append((time.perf_counter() - started) * 1000)
            bodies.add(body)
    finally:
        connection.close()
    return samples, bodies


def _first_article(port: int) -> str:
    """The path of a sample article once the stack has processed one (it starts with them)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        items = _get(f"http://127.0.0.1:{port}/articles?status=SUMMARIZED")["items"]
        if items:
            return f"/articles/{items[0]['id']}"
        time.sleep(0.2)
    raise SystemExit("no sample article was summarised within 60 s")


def _client(args: tuple[int, str, int]) -> tuple[float, float, set[bytes]]:
    port, path, count = args
    started = time.perf_counter()
    _, bodies = _requests(port, path, count)
    return started, time.perf_counter(), bodies


def _throughput(port: int, path: str, count: int, clients: int) -> tuple[float, set[bytes]]:
    with ProcessPoolExecutor(clients) as pool:
        pool.submit(_timings, port, "/openapi.json", 1).result()  # start the workers first
        spans = list(pool.map(_client, [(port, path, count)] * clients))
    elapsed = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    return clients * count / elapsed, set().union(*(bodies for _, _, bodies in spans))


def _integrity(port: int, bodies: set[bytes]) -> dict[str, int]:
    """The samples' records once the runs are over, and the distinct answers by id."""
    expected = {path.name for path in SAMPLES.iterdir() if path.is_file()}
    items = _all_items(f"http://127.0.0.1:{port}")
    names = [item["source"]["key"].rsplit("/", 1)[-1] for item in items]
    return {
        "lost": len(expected - set(names)),
        "stuck": sum(item["status"] not in ("SUMMARIZED", "FAILED") for item in items),
        "duplicated": len(names) - len(set(names)),
        "distinct answers by id (1 expected)": len(bodies),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    aws_port, api_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory(prefix="articles-api-bench-") as workdir:
        stack, _ = start_stack(aws_port, api_port, Path(workdir) / "stack.log", samples=True)
        try:
            article = _first_article(api_port)
            for path in (article, "/openapi.json"):
                _timings(api_port, path, 20)  # warm both code paths
            rows = []
            bodies: set[bytes] = set()
            for name, path in (
                ("GET /articles/{id}", article),
                ("GET /openapi.json", "/openapi.json"),
            ):
                samples, answers = _requests(api_port, path, args.requests)
                if path == article:
                    bodies |= answers
                rows.append(
                    (name, statistics.median(samples), statistics.quantiles(samples, n=20)[18])
                )
            one, answers = _throughput(api_port, article, args.requests, 1)
            many, more = _throughput(api_port, article, args.requests, args.clients)
            integrity = _integrity(api_port, bodies | answers | more)
        finally:
            stop_stack(stack)

    print(f"keep-alive, {args.requests} requests each, one client")
    print(f"| {'request':<20} | {'p50 ms':>7} | {'p95 ms':>7} |")
    print(f"|{'-' * 22}|{'-' * 9}|{'-' * 9}|")
    for name, p50, p95 in rows:
        print(f"| {name:<20} | {p50:7.2f} | {p95:7.2f} |")
    print(f"GET by id p50 / openapi.json p50: {rows[0][1] / rows[1][1]:.2f}x")
    print(
        f"GET by id: 1 client {one:6.1f} req/s, {args.clients} clients {many:6.1f} req/s "
        f"({many / one:.2f}x)"
    )
    print("integrity: " + ", ".join(f"{name} {count}" for name, count in integrity.items()))
    print(json.dumps({"p50_ratio": rows[0][1] / rows[1][1], "concurrency_gain": many / one}))
    failed = [name for name, count in integrity.items() if count != ("1 expected" in name)]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
