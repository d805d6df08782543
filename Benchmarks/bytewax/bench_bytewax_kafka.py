#!/usr/bin/env python3
"""Bytewax 0.21.1 side of the kafka-upper benchmark (see Benchmarks/kafka/).

Consumes every partition of --input from the beginning until its end
(KafkaSource(tail=False, batch_size=1000), which stops at partition EOF),
uppercases each value with op.map and produces it, key null, to --output with
KafkaSink (which flushes the producer after every batch and at close; it
ignores partitions, so output partitions are chosen by librdkafka's default
partitioner, per message: see sink_config). One worker, run_main. The whole run_main call is timed, which
includes client creation and the final flush.

Prints exactly one line on stdout:
  RESULT workload=kafka-upper workers=1 messages=<n> seconds=<s> items_per_s=<x>
"""
import argparse
import sys
import time

import bytewax.operators as op
from bytewax.connectors.kafka import KafkaSink, KafkaSinkMessage, KafkaSource
from bytewax.dataflow import Dataflow
from bytewax.testing import run_main


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--brokers", required=True, help="host:port[,host:port...]")
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--expect", type=int, default=None,
                    help="fail unless exactly this many messages were processed")
    args = ap.parse_args()

    brokers = args.brokers.split(",")
    processed = [0]

    def upper(msg):
        processed[0] += 1
        return KafkaSinkMessage(key=msg.key, value=msg.value.upper())

    flow = Dataflow("kafka_upper")
    s = op.input("inp", flow, KafkaSource(brokers, [args.input], tail=False, batch_size=1000))
    s = op.map("upper", s, upper)
    # Null keys: librdkafka's default sticky partitioner sends everything for
    # 10 ms to one partition, which leaves the output partitions uneven (up to
    # ~1.6x the mean here); librdkafka's mock cluster (`sluice dev-broker`)
    # keeps only 5 MiB per partition and silently drops the oldest data of
    # the fullest ones. Per-message random partitioning keeps them even.
    sink_config = {"sticky.partitioning.linger.ms": "0"}
    op.output("out", s, KafkaSink(brokers, args.output, add_config=sink_config))

    start = time.perf_counter()
    run_main(flow)
    seconds = time.perf_counter() - start

    n = processed[0]
    print(f"bytewax kafka-upper: processed={n} expected={args.expect}", file=sys.stderr)
    if args.expect is not None and n != args.expect:
        print("bytewax: COUNT MISMATCH", file=sys.stderr)
        sys.exit(1)
    print(
        f"RESULT workload=kafka-upper workers=1 messages={n} "
        f"seconds={seconds:.3f} items_per_s={n / seconds:.0f}"
    )


if __name__ == "__main__":
    main()
