"""The queue benchmark's peer: pgqueuer measured like Overture's store (see main.rs).

Throughput: N no-op jobs are queued, then W worker processes (one QueueManager each, on a
connection of its own, as pgqueuer runs one per process) consume them for at least SECONDS;
a job counts once its completion is committed (it has left the queue table). Latency: W idle
workers, one job queued at a time at RATE per second; from the return of the enqueue to the
start of the job's handler.

Prints progress on stderr and one JSON line on stdout. The database at --url must be empty:
the script installs pgqueuer's schema into it.
"""

import argparse
import asyncio
import json
import math
import multiprocessing as mp
import statistics
import sys
import time
from datetime import timedelta

import asyncpg
from pgqueuer import AsyncpgDriver, Queries, QueueManager

ENTRYPOINT = "noop"


async def consume(url, ready, start, stop, results):
    """One worker process: a QueueManager that runs no-op jobs until `stop`."""
    conn = await asyncpg.connect(url)
    qm = QueueManager(Queries(AsyncpgDriver(conn)))
    picked = []

    @qm.entrypoint(ENTRYPOINT)
    async def noop(job):
        if job.payload:
            picked.append((job.payload.decode(), time.time()))

    loop = asyncio.get_running_loop()
    ready.put(True)
    await loop.run_in_executor(None, start.wait)
    running = asyncio.create_task(qm.run(dequeue_timeout=timedelta(seconds=1)))
    while not stop.is_set() and not running.done():
        await asyncio.sleep(0.02)
    qm.shutdown.set()
    await running
    await conn.close()
    results.put(picked)


def worker_main(url, ready, start, stop, results):
    asyncio.run(consume(url, ready, start, stop, results))


class Workers:
    """W worker processes, ready and waiting for `begin`."""

    def __init__(self, url, count):
        ctx = mp.get_context("spawn")
        self.ready, self.results = ctx.Queue(), ctx.Queue()
        self.start, self.stop = ctx.Event(), ctx.Event()
        self.procs = [
            ctx.Process(
                target=worker_main,
                args=(url, self.ready, self.start, self.stop, self.results),
            )
            for _ in range(count)
        ]
        for p in self.procs:
            p.start()
        for _ in self.procs:
            self.ready.get(timeout=60)

    def begin(self):
        self.start.set()

    def end(self):
        self.stop.set()
        picked = [self.results.get(timeout=60) for _ in self.procs]
        for p in self.procs:
            p.join(timeout=60)
        return [x for part in picked for x in part]


async def reset(conn):
    await conn.execute("TRUNCATE pgqueuer, pgqueuer_log, pgqueuer_statistics")


async def queued(conn):
    return await conn.fetchval("SELECT count(*) FROM pgqueuer")


async def throughput(url, workers, seconds, seed):
    """Jobs completed per second by `workers`, queueing more when the queue ran dry early."""
    conn = await asyncpg.connect(url)
    queries = Queries(AsyncpgDriver(conn))
    try:
        while True:
            await reset(conn)
            for i in range(0, seed, 5000):
                n = min(5000, seed - i)
                await queries.enqueue([ENTRYPOINT] * n, [None] * n, [0] * n)
            # As for Overture's queue: the statistics autovacuum would gather after a bulk load.
            await conn.execute("ANALYZE")
            pool = Workers(url, workers)
            began = time.monotonic()
            pool.begin()
            left = seed
            while time.monotonic() - began < seconds:
                await asyncio.sleep(0.05)
                left = await queued(conn)
                if left == 0:
                    break
            elapsed = time.monotonic() - began
            left = await queued(conn)
            pool.end()
            done = seed - left
            rate = done / elapsed
            if left == 0 and elapsed < 0.8 * seconds:
                seed = max(seed * 2, int(rate * seconds * 1.5))
                print(f"pgqueuer, {workers} workers: ran dry, again with {seed}", file=sys.stderr)
                continue
            print(f"pgqueuer, {workers} workers: {done} jobs in {elapsed:.2f} s: {rate:.0f}/s",
                  file=sys.stderr)
            return {"workers": workers, "jobs": done, "seconds": elapsed}, max(seed, int(rate * seconds * 1.5))
    finally:
        await conn.close()


async def latency(url, workers, rate, seconds):
    conn = await asyncpg.connect(url)
    queries = Queries(AsyncpgDriver(conn))
    await reset(conn)
    pool = Workers(url, workers)
    pool.begin()
    await asyncio.sleep(1.0)  # let every worker reach its first wait
    queued_at = {}
    start = time.monotonic()
    for i in range(rate * seconds):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await queries.enqueue(ENTRYPOINT, str(i).encode(), 0)
        queued_at[str(i)] = time.time()
    await asyncio.sleep(1.5)
    picked = dict(pool.end())
    await conn.close()
    ms = sorted(max(0.0, picked[k] - t) * 1e3 for k, t in queued_at.items() if k in picked)

    def pct(q):
        if not ms:
            return None
        rank = max(1, min(len(ms), math.ceil(q * len(ms))))
        return ms[rank - 1]

    result = {
        "workers": workers,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": ms[-1] if ms else None,
        "mean_ms": statistics.fmean(ms) if ms else None,
        "count": len(ms),
        "missed": len(queued_at) - len(ms),
    }
    print(f"pgqueuer, latency: {result}", file=sys.stderr)
    return result


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--workers", default="1,4,8,16")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--latency-workers", type=int, default=4)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--latency-seconds", type=int, default=10)
    args = parser.parse_args()

    conn = await asyncpg.connect(args.url)
    await Queries(AsyncpgDriver(conn)).install()
    await conn.close()

    cells, seed = [], 5000
    for workers in [int(w) for w in args.workers.split(",")]:
        cell, seed = await throughput(args.url, workers, args.seconds, seed)
        cells.append(cell)
    lat = await latency(args.url, args.latency_workers, args.rate, args.latency_seconds)
    print(json.dumps({"wake": "LISTEN/NOTIFY", "throughput": cells, "latency": lat}))


if __name__ == "__main__":
    asyncio.run(main())
