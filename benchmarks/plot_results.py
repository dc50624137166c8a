#!/usr/bin/env python3
"""Turns the benchmarks' google-benchmark JSON into a chart and tables.

    python3 benchmarks/plot_results.py benchmarks/results/*.json \
        --chart benchmarks/results/chart.png --markdown

The chart has three panels: round-trip latency against the floors, one-way
throughput against memcpy bandwidth, and each speed target as the measured
figure over its limit (at most 1 means met). --markdown prints the same
figures as Markdown tables for the README.

Needs matplotlib (Debian: apt-get install python3-matplotlib).
"""

import argparse
import json
import re
import sys

# Google-benchmark names look like "BM_RoundTrip/bytes:1024/spin:0/real_time".
ARGUMENT = re.compile(r"([a-z_]+):(\d+)")

SIZE_NAMES = {
    1024: "1 KiB",
    65536: "64 KiB",
    1048576: "1 MiB",
    3110416: "3,110,416 B",
    10485760: "10 MiB",
}


def load_runs(paths):
    """Every benchmark run in `paths`, keyed by its name.

    With --benchmark_repetitions the median aggregate stands for the name.
    """
    runs = {}
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for run in json.load(file)["benchmarks"]:
                if run.get("error_occurred"):
                    continue
                name = run.get("run_name", run["name"])
                if run.get("run_type") == "aggregate":
                    if run.get("aggregate_name") == "median":
                        runs[name] = run
                else:
                    runs.setdefault(name, run)
    return runs


def family(runs, prefix):
    """Runs of one benchmark function, each with its arguments parsed."""
    found = []
    for name, run in runs.items():
        if name.split("/")[0] == prefix:
            found.append((dict((k, int(v)) for k, v in ARGUMENT.findall(name)),
                          run))
    return sorted(found, key=lambda item: sorted(item[0].items()))


def one(runs, prefix):
    matches = family(runs, prefix)
    return matches[0][1] if matches else None


def size_name(size):
    return SIZE_NAMES.get(size, f"{size} B")


def at_most(name, measured, limit):
    return (name, measured, f"<= {limit:g}", measured / limit)


def at_least(name, measured, limit):
    return (name, measured, f">= {limit:g}", limit / measured)


def targets(runs):
    """(target, measured, limit, score) for each speed target; a score of
    at most 1 means the target is met.

    Each round-trip target is judged twice: against the floors measured
    interleaved with the round trips (same two processes, same moments of
    machine load) and against the floors' own benchmarks in the same binary.
    In spin mode the interleaved semaphore ping lands on a relay that is
    still awake, so only the standalone floor is a blocking floor there.
    """
    rows = []
    sem = one(runs, "BM_SemaphorePingPongFloor")
    spin_floor = one(runs, "BM_SpinPingPongFloor")
    copies = {a["bytes"]: r["us_per_copy"]
              for a, r in family(runs, "BM_MemcpyFloor")}
    for args, run in family(runs, "BM_RoundTrip"):
        mode = "spinning" if args["spin"] else "blocking"
        if args["bytes"] == 1024 and args["spin"] == 0:
            rows.append(at_most("1 KiB round trip p50, blocking / "
                                "interleaved sem floor",
                                run["p50_over_sem_floor"], 1.2))
            if sem:
                rows.append(at_most("1 KiB round trip p50, blocking / "
                                    "standalone sem floor",
                                    run["p50"] / sem["p50"], 1.2))
        if args["bytes"] == 1024 and args["spin"] == 1:
            rows.append(at_most("1 KiB round trip p50, spinning / "
                                "interleaved spin floor",
                                run["p50_over_spin_floor"], 5.0))
            if spin_floor:
                rows.append(at_most("1 KiB round trip p50, spinning / "
                                    "standalone spin floor",
                                    run["p50"] / spin_floor["p50"], 5.0))
        if args["bytes"] == 3110416:
            rows.append(at_most(f"3,110,416 B round trip mean, {mode} / "
                                "(memcpy + interleaved sem floor)",
                                run["mean_over_copy_plus_sem"], 1.5))
            if sem and 3110416 in copies:
                rows.append(at_most(
                    f"3,110,416 B round trip mean, {mode} / "
                    "(memcpy + standalone sem floor)",
                    run["mean"] / (copies[3110416] + sem["mean"]), 1.5))
    for args, run in family(runs, "BM_OneWay"):
        if args["bytes"] == 1048576 and args["zero_copy"] == 0:
            mode = "spinning" if args["spin"] else "blocking"
            rows.append(at_least(f"1 MiB one-way copy write, {mode} / memcpy",
                                 run["over_memcpy"], 0.7))
    step = one(runs, "BM_ExecuteStepRoundTrip")
    if step:
        rows.append(at_most("executeStep round trip p50 (us)", step["p50"],
                            50.0))
    start = one(runs, "BM_ServeStartToHealth")
    if start:
        rows.append(at_most("serve start -> health p50 (ms)",
                            start["p50"] / 1000, 20.0))
    return rows


def plot(runs, chart_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(14, 10), layout="constrained")
    # Subfigures, so the targets' long labels widen only their own margin.
    top, bottom = figure.subfigures(2, 1, height_ratios=[1.4, 1])
    latency, throughput = top.subplots(1, 2)
    goals = bottom.subplots()

    round_trips = family(runs, "BM_RoundTrip")
    for spin, label, marker in ((0, "blocking", "o"), (1, "spinning", "s")):
        points = [(a["bytes"], r) for a, r in round_trips if a["spin"] == spin]
        if not points:
            continue
        sizes = [size for size, _ in points]
        line, = latency.plot(sizes, [r["p50"] for _, r in points],
                             marker=marker, label=f"p50, {label}")
        latency.plot(sizes, [r["p99"] for _, r in points], marker=marker,
                     linestyle=":", color=line.get_color(),
                     label=f"p99, {label}")
    blocking = sorted((a["bytes"], r["copy_plus_sem"])
                      for a, r in round_trips if a["spin"] == 0)
    if blocking:
        latency.plot(*zip(*blocking), color="black", linestyle="--",
                     label="floor: memcpy + sem ping-pong")
    for prefix, label, style in (
            ("BM_SemaphorePingPongFloor", "sem ping-pong p50", "-."),
            ("BM_SpinPingPongFloor", "spin ping-pong p50", ":")):
        floor = one(runs, prefix)
        if floor:
            latency.axhline(floor["p50"], color="gray", linestyle=style,
                            label=label)
    latency.set_xscale("log")
    latency.set_yscale("log")
    latency.set_xlabel("frame bytes")
    latency.set_ylabel("round trip (us)")
    latency.set_title("Round trip: writer -> relay -> reader")
    latency.legend(fontsize=7)
    latency.grid(True, which="both", alpha=0.3)

    one_way = family(runs, "BM_OneWay")
    for zero_copy, spin, label in ((0, 1, "copy write, spin"),
                                   (1, 1, "zero-copy write, spin"),
                                   (0, 0, "copy write, block"),
                                   (1, 0, "zero-copy write, block")):
        points = [(a["bytes"], r["GBps"]) for a, r in one_way
                  if a["zero_copy"] == zero_copy and a["spin"] == spin]
        if points:
            throughput.plot(*zip(*points), marker="o", label=label,
                            linestyle="-" if spin else "--")
    memcpy = sorted({a["bytes"]: r["memcpy_GBps"] for a, r in one_way}.items())
    if memcpy:
        throughput.plot(*zip(*memcpy), color="black", linestyle="--",
                        label="memcpy bandwidth")
    throughput.set_xscale("log")
    throughput.set_xlabel("frame bytes")
    throughput.set_ylabel("GB/s")
    throughput.set_title("One-way throughput")
    throughput.legend(fontsize=7)
    throughput.grid(True, which="both", alpha=0.3)

    rows = targets(runs)
    if rows:
        names = [row[0] for row in rows]
        ratios = [row[3] for row in rows]
        colors = ["tab:green" if ratio <= 1 else "tab:red" for ratio in ratios]
        goals.barh(range(len(rows)), ratios, color=colors)
        goals.axvline(1.0, color="black", linestyle="--")
        goals.set_yticks(range(len(rows)))
        goals.set_yticklabels(names, fontsize=9)
        goals.invert_yaxis()
        goals.set_xlabel("measured / limit (limit / measured for a minimum): "
                         "at most 1 = met")
        goals.set_title("Speed targets")
        for index, ratio in enumerate(ratios):
            goals.text(ratio, index, f" {ratio:.2f}", va="center", fontsize=9)

    figure.savefig(chart_path, dpi=100)


def markdown(runs):
    lines = ["| Frame | Waiting | min | mean | p50 | p90 | p99 | p99.9 | max "
             "| p50 / sem floor | p50 / spin floor | mean / (memcpy + sem) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for args, run in family(runs, "BM_RoundTrip"):
        lines.append(
            f"| {size_name(args['bytes'])} "
            f"| {'spin' if args['spin'] else 'block'} "
            + "".join(f"| {run[key]:.1f} " for key in
                      ("min", "mean", "p50", "p90", "p99", "p99_9", "max"))
            + f"| {run['p50_over_sem_floor']:.2f} "
            f"| {run['p50_over_spin_floor']:.1f} "
            f"| {run['mean_over_copy_plus_sem']:.2f} |")
    for prefix, title in (("BM_SemaphorePingPongFloor", "sem ping-pong"),
                          ("BM_SpinPingPongFloor", "spin ping-pong")):
        run = one(runs, prefix)
        if run:
            lines.append(
                f"| floor: {title} | "
                + "".join(f"| {run[key]:.2f} " for key in
                          ("min", "mean", "p50", "p90", "p99", "p99_9",
                           "max"))
                + "| | | |")
    lines += ["", "| Frame | Write | Waiting | frames/s | GB/s | memcpy GB/s "
              "| / memcpy |", "|---|---|---|---|---|---|---|"]
    for args, run in family(runs, "BM_OneWay"):
        lines.append(
            f"| {size_name(args['bytes'])} "
            f"| {'zero-copy' if args['zero_copy'] else 'copy'} "
            f"| {'spin' if args['spin'] else 'block'} "
            f"| {run['frames_per_s']:,.0f} | {run['GBps']:.2f} "
            f"| {run['memcpy_GBps']:.2f} | {run['over_memcpy']:.2f} |")
    lines += ["", "| Serve | p50 | p90 | p99 | max |", "|---|---|---|---|---|"]
    for prefix, title, scale, unit in (
            ("BM_ExecuteStepRoundTrip", "executeStep round trip", 1, "us"),
            ("BM_ServeStartToHealth", "start -> health reply", 1000, "ms")):
        run = one(runs, prefix)
        if run:
            lines.append(f"| {title} ({unit}) "
                         + "".join(f"| {run[key] / scale:.2f} "
                                   for key in ("p50", "p90", "p99", "max"))
                         + "|")
    lines += ["", "| Reader CPU | Waiting | CPU ms per s |", "|---|---|---|"]
    for args, run in family(runs, "BM_ReaderCpu"):
        rate = (f"{args['rate']} frames/s" if args["rate"]
                else "idle (writer connected)")
        cpu = run.get("cpu_ms_per_s", run.get("cpu_ms_per_idle_s"))
        lines.append(f"| {rate} | {run['label']} | {cpu:.2f} |")
    lines += ["", "| Wrap-around | Write | ns/frame, ring 1.5x frame "
              "| ns/frame, large ring | overhead |", "|---|---|---|---|---|"]
    for args, run in family(runs, "BM_WrapAround"):
        lines.append(f"| {size_name(args['bytes'])} "
                     f"| {'zero-copy' if args['zero_copy'] else 'copy'} "
                     f"| {run['ns_per_frame_wrapping']:.0f} "
                     f"| {run['ns_per_frame_large_ring']:.0f} "
                     f"| {run['overhead_pct']:+.1f} % |")
    lines += ["", "| Utilisation, reader ~1000 frames/s | writer frames/s "
              "| peak | mean | time to 80 % | back under 80 % | drained |",
              "|---|---|---|---|---|---|---|"]
    for args, run in family(runs, "BM_BufferUtilization"):
        reached = (f"{run['time_to_80pct_ms']:.0f} ms"
                   if run["degraded_episodes_pct"] > 0 else "never")
        lines.append(f"| writer at {args['writer_fps']} frames/s "
                     f"| {run['writer_fps']:.0f} "
                     f"| {run['peak_util_pct']:.0f} % "
                     f"| {run['mean_util_pct']:.0f} % | {reached} "
                     f"| {run['recovery_ms']:.1f} ms "
                     f"| {run['drain_ms']:.1f} ms |")
    primitives = [(name, run) for name, run in runs.items()
                  if name.startswith(("BM_CompilerBarrier", "BM_ThreadFence",
                                      "BM_Atomic", "BM_Semaphore"))
                  and "Floor" not in name]
    if primitives:
        lines += ["", "| Primitive (one process) | ns per operation |",
                  "|---|---|"]
        for name, run in primitives:
            lines.append(f"| {name} | {run['real_time']:.1f} |")
    lines += ["", "| Target | Measured | Limit | Met |", "|---|---|---|---|"]
    for name, measured, limit, score in targets(runs):
        lines.append(f"| {name} | {measured:.2f} | {limit} "
                     f"| {'yes' if score <= 1 else 'no'} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="+",
                        help="google-benchmark JSON files (--benchmark_out)")
    parser.add_argument("--chart", help="where to write the PNG chart")
    parser.add_argument("--markdown", action="store_true",
                        help="print the figures as Markdown tables")
    args = parser.parse_args()
    runs = load_runs(args.json)
    if not runs:
        sys.exit("no benchmark results in " + ", ".join(args.json))
    if args.chart:
        plot(runs, args.chart)
    if args.markdown:
        print(markdown(runs))


if __name__ == "__main__":
    main()
