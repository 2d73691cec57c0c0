#!/usr/bin/env python3
"""Prints reports_bench's results (its --benchmark_out JSON): each report
beside its bare query, the ratio and the goals; the card page's latency."""
import json
import sys

with open(sys.argv[1]) as f:
    runs = {b["name"].split("/iterations")[0].replace("/real_time", ""): b
            for b in json.load(f)["benchmarks"] if not b.get("error_occurred")}

REPORTS = ("journey_map", "cohorts", "lifecycle", "stamps", "promotions", "touchpoints")
print()
for store, label in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
    rows = [(r, runs.get(f"BM_Report/{store}/{r}")) for r in REPORTS]
    first = next((b for _, b in rows if b is not None), None)
    if first is None:
        print(f"reports on {label}: no run")
        continue
    how = "cached file" if first["cached"] else "appended through Store::append"
    print(f"reports over {first['events']:.0f} journey events, {label}"
          f" (setup {first['setup_s']:.1f} s: {how}); medians of 3, interleaved")
    print(f"{'report':<12} {'report s':>9} {'bare s':>7} {'ratio':>6} {'facts':>9}  goal")
    for name, b in rows:
        if b is None:
            print(f"{name:<12} no run")
            continue
        goal = b["ratio"] <= 1.5 and (store != "postgres" or b["report_s"] < 2)
        print(f"{name:<12} {b['report_s']:>9.2f} {b['bare_s']:>7.2f} {b['ratio']:>6.2f}"
              f" {b['facts_read']:>9.0f}  {'meets' if goal else 'misses'}")
    print("bare: a weekly-cohort SQL (each card's weeks of purchase by its first week) over the"
          " events table; goal: ratio <= 1.5" + (" and < 2 s" if store == "postgres" else ""))
    print()
for store, label in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
    for think in ("0", "1000"):
        b = runs.get(f"BM_CardPage/{store}/{think}")
        if b is None:
            continue
        verdict = "meets" if b["p99_ms"] < 20 and b["not_200"] == 0 else "misses"
        pause = "back to back" if think == "0" else f"pausing 0-{think} ms after each answer"
        print(f"card page /C/<TOKEN>, journeyd over HTTPS on {label}: {b['clients']:.0f} clients"
              f" {pause}: p50 {b['p50_ms']:.2f} ms, p99 {b['p99_ms']:.2f} ms,"
              f" max {b['max_ms']:.1f} ms, {b['per_s']:.0f} pages/s, {b['not_200']:.0f} not 200"
              f" ({verdict} the p99 < 20 ms goal)")
