#!/usr/bin/env python3
"""Bytewax 0.21.1 side of the Sluice-vs-Bytewax benchmark.

Workloads (identical to Benchmarks/SluiceBench/main.swift):
  map-filter:  ints 0..N-1 -> map(x*2+1) -> filter(x % 3 != 0) -> counting sink
  keyed-count: N words "w{(i*7919) % 10000}" -> key_on(identity)
               -> stateful_map(running count per word) -> counting sink
  window-count: N events (key "k{(i*7919) % 1000}", event time ALIGN + i ms)
               -> count_window(EventClock(wait 0 s), 10 s tumbling windows
               aligned to ALIGN) -> counting sink of window results

Input uses TestingSource(data, batch_size=1000), Bytewax's fastest testing
configuration. TestingSource is a single-partition source, so with several
workers only one of them reads input; that is Bytewax's real behaviour.
Only the dataflow run is timed. Prints exactly one line on stdout:
  RESULT workload=<w> workers=<n> items=<N> seconds=<s> items_per_s=<x>
"""
import argparse
import sys
import time
from datetime import datetime, timedelta, timezone

import bytewax.operators as op
from bytewax.dataflow import Dataflow
from bytewax.operators.windowing import EventClock, TumblingWindower, count_window
from bytewax.outputs import DynamicSink, StatelessSinkPartition
from bytewax.testing import TestingSource, cluster_main, run_main

VOCAB = 10_000
WINDOW_KEYS = 1_000
WINDOW_EVENTS = 10_000  # events per 10 s window (one event per millisecond)
ALIGN = datetime(2024, 1, 1, tzinfo=timezone.utc)


class _CountingPartition(StatelessSinkPartition):
    def __init__(self):
        self.count = 0

    def write_batch(self, items):
        self.count += len(items)


class CountingSink(DynamicSink):
    """Only counts items; one counter per worker, summed after the run."""

    def __init__(self):
        self.parts = []

    def build(self, step_id, worker_index, worker_count):
        part = _CountingPartition()
        self.parts.append(part)  # list.append is atomic under the GIL
        return part

    def total(self):
        return sum(p.count for p in self.parts)


def _count_step(count, _word):
    n = (count or 0) + 1
    return n, n


def build_flow(workload, items, sink):
    flow = Dataflow("bench")
    if workload == "map-filter":
        data = list(range(items))
        s = op.input("inp", flow, TestingSource(data, batch_size=1000))
        s = op.map("double", s, lambda x: x * 2 + 1)
        s = op.filter("drop3", s, lambda x: x % 3 != 0)
        op.output("count", s, sink)
    elif workload == "keyed-count":
        data = [f"w{(i * 7919) % VOCAB}" for i in range(items)]
        s = op.input("inp", flow, TestingSource(data, batch_size=1000))
        keyed = op.key_on("key", s, lambda w: w)
        counts = op.stateful_map("running_count", keyed, _count_step)
        op.output("count", counts, sink)
    elif workload == "window-count":
        data = [(f"k{(i * 7919) % WINDOW_KEYS}", ALIGN + timedelta(milliseconds=i)) for i in range(items)]
        s = op.input("inp", flow, TestingSource(data, batch_size=1000))
        clock = EventClock(lambda e: e[1], wait_for_system_duration=timedelta(seconds=0))
        windower = TumblingWindower(length=timedelta(seconds=10), align_to=ALIGN)
        out = count_window("count_window", s, clock, windower, lambda e: e[0])
        op.output("count", out.down, sink)
    else:
        raise SystemExit(f"unknown workload {workload!r}")
    return flow


def expected_count(workload, items):
    if workload == "map-filter":
        return sum(1 for x in range(items) if (2 * x + 1) % 3 != 0)
    if workload == "window-count":
        # Each window holds consecutive events; 7919 is coprime with 1000, so
        # m consecutive events have min(m, 1000) distinct keys.
        full, rest = divmod(items, WINDOW_EVENTS)
        return full * WINDOW_KEYS + min(rest, WINDOW_KEYS)
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", required=True, choices=["map-filter", "keyed-count", "window-count"])
    ap.add_argument("--items", type=int, required=True)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()

    sink = CountingSink()
    flow = build_flow(args.workload, args.items, sink)  # data generated here, untimed

    start = time.perf_counter()
    if args.workers == 1:
        run_main(flow)
    else:
        # One process, `workers` worker threads (Bytewax's in-process multi-worker mode).
        cluster_main(flow, [], 0, worker_count_per_proc=args.workers)
    seconds = time.perf_counter() - start

    got = sink.total()
    want = expected_count(args.workload, args.items)
    print(f"bytewax {args.workload}: sink count={got} expected={want}", file=sys.stderr)
    if got != want:
        print("bytewax: COUNT MISMATCH", file=sys.stderr)
        sys.exit(1)
    print(
        f"RESULT workload={args.workload} workers={args.workers} items={args.items} "
        f"seconds={seconds:.3f} items_per_s={args.items / seconds:.0f}"
    )


if __name__ == "__main__":
    main()
