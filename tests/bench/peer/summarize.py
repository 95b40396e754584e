import collections
import json
import statistics
import sys

d = sys.argv[1]
med = statistics.median
inproc = collections.defaultdict(list)
for sysname, f in (("A", "inproc-A.jsonl"), ("B", "inproc-B.jsonl")):
    try:
        for line in open(f"{d}/{f}"):
            r = json.loads(line)
            inproc[f"{sysname}.{r['page']}"].append(r)
    except FileNotFoundError:
        pass
wrk = collections.defaultdict(list)
for line in open(f"{d}/wrk.jsonl"):
    r = json.loads(line)
    wrk[r["page"]].append(r)
size = {}
for line in open(f"{d}/bytes.txt"):
    name, a, b = line.split()
    size.setdefault(name, {})["gzip" if a == "gzip6" else "raw"] = int(b)
rows = {}
print(
    f"{'page':24s} {'q':>3s} {'inproc med ms (min-max)':>24s} {'p95':>6s} {'req/s med (min-max)':>22s} {'p50':>6s} {'p99':>6s} {'raw':>6s} {'gz':>5s} non2xx"  # noqa: E501
)
for name in sorted(set(wrk) | set(inproc)):
    ip = inproc.get(name, [])
    w = wrk.get(name, [])
    q = sorted({r["queries"] for r in ip})
    ms = [r["median_ms"] for r in ip]
    p95 = [r["p95_ms"] for r in ip]
    rps = [r["rps"] for r in w]
    row = dict(q=q, ms=med(ms) if ms else None, rps=med(rps) if rps else None)
    rows[name] = row
    p50s = f"{med([r['p50_ms'] for r in w]):.1f}" if w else "-"
    p99s = f"{med([r['p99_ms'] for r in w]):.1f}" if w else "-"
    print(
        f"{name:24s} {','.join(map(str, q)):>3s} {(f'{med(ms):.1f} ({min(ms):.1f}-{max(ms):.1f})' if ms else '-'):>24s} {(f'{med(p95):.1f}' if p95 else '-'):>6s} "  # noqa: E501
        f"{(f'{med(rps):.1f} ({min(rps):.1f}-{max(rps):.1f})' if rps else '-'):>22s} "
        f"{p50s:>6s} {p99s:>6s} "
        f"{size.get(name, {}).get('raw', '-'):>6} {size.get(name, {}).get('gzip', '-'):>5} {sum(r['non2xx'] + r['socket_errors'] for r in w)}"  # noqa: E501
    )
print()
for page in ("lesson.learner", "course.learner", "course.anon"):
    a, b = rows.get("A." + page), rows.get("B." + page)
    if a and b and a["rps"] and b["rps"]:
        in_process = f"{a['ms'] / b['ms']:.2f}" if a["ms"] and b["ms"] else "-"  # none with SKIP_INPROC=1
        print(f"A/B {page}: req/s {a['rps'] / b['rps']:.2f}  in-process ms {in_process}  queries {a['q']}/{b['q']}")
    # per-round ratios
    wa, wb = wrk.get("A." + page, []), wrk.get("B." + page, [])
    if wa and wb:
        print(
            "   per-round req/s A/B:",
            [
                round(x["rps"] / y["rps"], 2)
                for x, y in zip(
                    sorted(wa, key=lambda r: r["round"]), sorted(wb, key=lambda r: r["round"]), strict=False
                )
            ],
        )
les = rows.get("A.lesson.learner")
for c in ("A.ceiling.cached_home", "A.ceiling.ping"):
    if les and rows.get(c) and rows[c]["rps"]:
        print(f"A lesson as % of {c}: req/s {100 * les['rps'] / rows[c]['rps']:.1f}%")
        # the same share round by round (the two pages measured minutes apart, not across the whole run): on a
        # machine whose speed moves, its spread says how far one run's share can be trusted
        by_round = {r["round"]: r["rps"] for r in wrk[c]}
        shares = [100 * r["rps"] / by_round[r["round"]] for r in wrk["A.lesson.learner"] if r["round"] in by_round]
        print(f"   per-round %: {[round(x, 1) for x in shares]}, median {med(shares):.1f}%")
print("loadavg during wrk:", [r["loadavg"] for r in sum(wrk.values(), [])][:3], "...")
