#!/usr/bin/env python3
"""Index builds of one big merged file and of many store files, side by side in one run (issue
15): raw jieba single-thread cut_for_search and a plain tantivy+jieba index (the bench's own
baselines) against zhize's full build by two bench binaries (before / after), every task in its
own child process (its peak RSS is its own), alternating within every round. Then checks that
the two zhize binaries export the same JSON for every corpus.

  examples/bench/index_side_by_side.py --bench main=/tmp/bench-main --bench perf=target/release/examples/bench \
      --zhize main=/tmp/zhize-main --zhize perf=target/release/zhize \
      --data one-1M=bench-data/one-1000000 --data many-1M=bench-data/gen-1000000-s42 \
      --work bench-data/side [--rounds 2]

Prints a JSON summary on stdout (per corpus: median wall s, MB/s of duty text, peak RSS, ratios
to jieba and plain tantivy of the same run).
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys


def child(bench, task, data, work):
    out = subprocess.run([bench, "child", task, "--data", data, "--work", work],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    return json.loads(out.stdout)


def wall(result):
    for key in ("wall_s", "build_s", "seconds", "elapsed_s"):
        if key in result:
            return result[key]
    raise KeyError(f"no wall time in {sorted(result)}")


def export_digest(zhize, inputs):
    out = subprocess.run([zhize, "export", "--json", *inputs], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=True)
    return hashlib.sha256(out.stdout).hexdigest(), len(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", action="append", required=True, help="NAME=PATH")
    parser.add_argument("--zhize", action="append", default=[], help="NAME=PATH")
    parser.add_argument("--data", action="append", required=True, help="NAME=DIR")
    parser.add_argument("--work", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    benches = [b.split("=", 1) for b in args.bench]
    summary = {}
    for dname, data in (d.split("=", 1) for d in args.data):
        work = os.path.join(args.work, dname)
        os.makedirs(work, exist_ok=True)
        runs = {"jieba": [], "tantivy": []} | {f"zhize-{b}": [] for b, _ in benches}
        for _ in range(args.rounds):
            baseline = benches[-1][1]
            runs["jieba"].append(child(baseline, "jieba", data, work))
            runs["tantivy"].append(child(baseline, "tantivy-build", data, work))
            for bname, bench in benches:
                runs[f"zhize-{bname}"].append(child(bench, "zhize-build", data, work))
            print(f"{dname}: round done", file=sys.stderr)
        figures = {}
        for name, results in runs.items():
            figures[name] = {
                "wall_s": round(statistics.median(wall(r) for r in results), 2),
                "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results), 1),
                "cpu_s": round(statistics.median(r["process_cpu_s"] for r in results), 2),
                "all_wall_s": [round(wall(r), 2) for r in results],
            }
        jieba = figures["jieba"]["wall_s"]
        tantivy = figures["tantivy"]["wall_s"]
        for name in figures:
            if name.startswith("zhize-"):
                # Throughput ratios: the same text in jieba's time over zhize's.
                figures[name]["vs_jieba"] = round(jieba / figures[name]["wall_s"], 3)
                figures[name]["vs_tantivy"] = round(tantivy / figures[name]["wall_s"], 3)
        figures["tantivy"]["vs_jieba"] = round(jieba / tantivy, 3)
        figures["raw_results"] = runs
        summary[dname] = figures
        print(json.dumps({k: v for k, v in figures.items() if k != "raw_results"},
                         ensure_ascii=False), file=sys.stderr)
    exports = {}
    for dname, data in (d.split("=", 1) for d in args.data):
        stores = os.path.join(data, "stores")
        digests = {z: export_digest(path, [stores]) for z, path in
                   (x.split("=", 1) for x in args.zhize)}
        exports[dname] = {"identical": len({d for d, _ in digests.values()}) <= 1,
                          "bytes": {z: n for z, (_, n) in digests.items()}}
        print(f"export {dname}: {exports[dname]}", file=sys.stderr)
    summary["exports"] = exports
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
