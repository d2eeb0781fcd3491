#!/usr/bin/env python3
"""Cold `zhize search --json` (process start to JSON), p50 over 20 varied queries, for several
zhize binaries on several corpora, alternating binaries query by query in one run (the machine is
shared and noisy: compare figures of the same run only). Checks that the binaries print the same
JSON for every query (the issue-15 rule: output identical before and after every optimisation).

  examples/bench/cold_search.py --bin main=/path/zhize-main --bin perf=target/release/zhize \
      --corpus shipped=corpus --corpus 1M=bench-data/one-1000000/stores/corpus.txt \
      --work bench-data/cold [--rounds 3]

Each binary gets its own index folder per corpus (built first, untimed: index formats differ).
Prints a JSON summary on stdout.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def queries(count):
    """Every fifth query of queries.txt (keywords, questions, paraphrases, English)."""
    with open(os.path.join(HERE, "queries.txt"), encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    step = max(1, len(lines) // count)
    return lines[::step][:count]


def run(binary, query, corpus, index):
    """Wall ms, CPU ms (user + system, from wait4: on a loaded machine the wall time is mostly
    waiting for a core) and the JSON printed."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [binary, "search", "--json", query, corpus, "--index", index],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    stdout = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = (time.perf_counter() - started) * 1000
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        sys.exit(f"{binary} search {query!r} {corpus}: exit {child.returncode}")
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1000, stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", action="append", required=True, help="NAME=PATH")
    parser.add_argument("--corpus", action="append", required=True, help="NAME=PATH")
    parser.add_argument("--work", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    bins = [b.split("=", 1) for b in args.bin]
    corpora = [c.split("=", 1) for c in args.corpus]
    qs = queries(args.queries)
    summary = {"queries": qs, "rounds": args.rounds, "corpora": {}}
    for cname, corpus in corpora:
        indexes = {}
        for bname, binary in bins:
            index = os.path.join(args.work, f"{cname}-{bname}")
            started = time.perf_counter()
            subprocess.run([binary, "index", corpus, "--index", index], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(f"{cname} {bname}: index ready in {time.perf_counter() - started:.1f} s",
                  file=sys.stderr)
            indexes[bname] = index
        times = {b: [] for b, _ in bins}
        cpu = {b: [] for b, _ in bins}
        differences = []
        for _ in range(args.rounds):
            for query in qs:
                outputs = {}
                for bname, binary in bins:
                    elapsed, used, stdout = run(binary, query, corpus, indexes[bname])
                    times[bname].append(elapsed)
                    cpu[bname].append(used)
                    outputs[bname] = stdout
                if len(set(outputs.values())) > 1 and query not in differences:
                    differences.append(query)
        result = {}
        for bname, _ in bins:
            result[bname] = {
                "p50_ms": round(statistics.median(times[bname]), 1),
                "min_ms": round(min(times[bname]), 1),
                "max_ms": round(max(times[bname]), 1),
                "cpu_p50_ms": round(statistics.median(cpu[bname]), 1),
            }
        result["json_differs_for"] = differences
        summary["corpora"][cname] = result
        print(f"{cname}: {json.dumps(result, ensure_ascii=False)}", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
