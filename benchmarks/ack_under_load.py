"""Benchmark: Slack ack latency while a 10,000-check-in fan-out is being delivered.

    python benchmarks/ack_under_load.py

It starts benchmarks/fanout.py (the real tick, dispatcher and Slack sender pacing 10,000
check-ins into a rate-limited fake Web API), waits until the check-ins are queued and sending
has begun, then runs benchmarks/slack_ack.py (50 concurrent signed requests per burst against
the bot's real server, beside a bare Bolt app) on the same two cores, and reports whether the
fan-out was still under way when the ack measurements ended. The two run as separate processes:
this measures what a loaded machine does to the acks; within one process the dispatcher runs in
its own thread and the acks never wait for it (see adapters/slack/app.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20, help="bursts of 50 acks per kind")
    args = parser.parse_args()
    fanout = subprocess.Popen(
        [sys.executable, str(HERE / "fanout.py"), "--leaders", str(args.leaders)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fanout.stdout is not None
    for line in fanout.stdout:
        print(f"fan-out: {line.rstrip()}", flush=True)
        if "the tick queued" in line:
            break
    else:
        print("the fan-out ended before sending began")
        return 1
    print("fan-out is delivering; measuring acks now", flush=True)
    acks = subprocess.run(
        [sys.executable, str(HERE / "slack_ack.py"), "--rounds", str(args.rounds)], check=False
    )
    busy = fanout.poll() is None
    print(f"fan-out still delivering when the ack measurements ended: {'yes' if busy else 'no'}")
    fanout.terminate()
    fanout.wait(timeout=30)
    return acks.returncode


if __name__ == "__main__":
    sys.exit(main())
