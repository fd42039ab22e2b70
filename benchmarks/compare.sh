#!/usr/bin/env bash
# Before and after, on the same machine in one invocation: builds the benchmark project at two
# commits and runs each benchmark class of both in turn, alternating which goes first, then prints
# a table of processor time per operation (median of the runs) and its ratio after / before.
#
#   bash benchmarks/compare.sh [BEFORE] [AFTER]        # default: 2b27241 HEAD
#
# Environment:
#   RUNS=2           how many times each class of each build runs (alternating: before, after, after, before, ...)
#   CLASSES="reader rss digest pageviews"
#   PAGEVIEW_LINES=2000000   lines for `cpu pageviews` (10,000,000 takes minutes per run)
#   HARNESS=current  measure both commits with this checkout's benchmark harness (the same timing
#                    code on both sides; the benchmarked APIs must exist at both commits), or
#                    HARNESS=own to use each commit's own benchmarks/Syndication.Benchmarks
#   WORK=/tmp/syndication-compare
#
# Figures are processor time (all threads, GC included), which other work on a shared machine
# distorts far less than the wall clock; "vs baseline" divides each case by its class's baseline
# (SyndicationFeed.Load, Rss20FeedFormatter, the naive digest, JsonSerializer + LINQ: library code
# that is the same at both commits) within the same run, which takes out what load is left.
set -euo pipefail

repo=$(git rev-parse --show-toplevel)
before=$(git -C "$repo" rev-parse --short "${1:-2b27241}")
after=$(git -C "$repo" rev-parse --short "${2:-HEAD}")
runs=${RUNS:-2}
classes=${CLASSES:-reader rss digest pageviews}
lines=${PAGEVIEW_LINES:-2000000}
harness=${HARNESS:-current}
work=${WORK:-/tmp/syndication-compare}
corpus=${SYNDICATION_CORPUS:-$(cd "$repo/.." && pwd)/shared/corpus}
export SYNDICATION_CORPUS=$corpus

mkdir -p "$work"
build() {
  local commit=$1 dir=$work/$1
  rm -rf "$dir" && mkdir -p "$dir"
  git -C "$repo" archive "$commit" | tar -x -C "$dir"
  if [[ $harness == current ]]; then
    rm -rf "$dir/benchmarks/Syndication.Benchmarks"
    cp -r "$repo/benchmarks/Syndication.Benchmarks" "$dir/benchmarks/"
    rm -rf "$dir/benchmarks/Syndication.Benchmarks/bin" "$dir/benchmarks/Syndication.Benchmarks/obj"
  fi
  echo "building $commit in $dir" >&2
  dotnet build -c Release "$dir/benchmarks/Syndication.Benchmarks" >"$dir/build.log" 2>&1 \
    || { tail -20 "$dir/build.log" >&2; exit 1; }
}
build "$before"
build "$after"

out=$work/results-$before-$after
rm -rf "$out" && mkdir -p "$out"
echo "load before: $(uptime)" | tee "$out/load.txt" >&2
for ((run = 1; run <= runs; run++)); do
  for class in $classes; do
    order=("$before" "$after")
    ((run % 2 == 0)) && order=("$after" "$before")
    for commit in "${order[@]}"; do
      args=(cpu "$class")
      [[ $class == pageviews ]] && args=(cpu pageviews "$lines" 3)
      echo "run $run: $class at $commit" >&2
      (cd "$work/$commit/benchmarks/Syndication.Benchmarks" \
        && dotnet bin/Release/net10.0/Syndication.Benchmarks.dll "${args[@]}") >"$out/$class-$commit-$run.md"
    done
  done
  echo "load after run $run: $(uptime)" | tee -a "$out/load.txt" >&2
done

python3 - "$out" "$before" "$after" "$classes" <<'PY'
import glob, os, re, statistics, sys
out, before, after, classes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()

def rows(path):
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and not line.startswith("|---") and cells[0] not in ("category", "case"):
            yield cells

def figures(path, cls):
    """{case: (cpu per op, ratio to the class's baseline or None)} for one run."""
    result = {}
    if cls == "pageviews":
        passes = {}
        for case, _, cpu, _, _ in rows(path):
            passes.setdefault(case, []).append(float(cpu))
        medians = {case: statistics.median(v) for case, v in passes.items()}
        plain = next((v for k, v in medians.items() if k.startswith("JsonSerializer")), None)
        for case, cpu in medians.items():
            result[case] = (cpu, cpu / plain if plain else None)
    else:
        for cells in rows(path):
            category, case, cpu, ratio = cells[0], cells[1], float(cells[2]), cells[6]
            result[f"{category}: {case}" if category else case] = (cpu, float(ratio) if ratio else None)
    return result

unit = {"pageviews": "ns per line"}
print(f"| class | case | unit | before `{before}` CPU (each run) | after `{after}` CPU (each run) | after / before | vs baseline, before | vs baseline, after | after / before, vs baseline |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|")
for cls in classes:
    runs = {c: [figures(p, cls) for p in sorted(glob.glob(os.path.join(out, f"{cls}-{c}-*.md")))] for c in (before, after)}
    for case in runs[before][0]:
        b = [r[case] for r in runs[before] if case in r]
        a = [r[case] for r in runs[after] if case in r]
        if not a:
            continue
        bc, ac = statistics.median(x[0] for x in b), statistics.median(x[0] for x in a)
        br = [x[1] for x in b if x[1] is not None]
        ar = [x[1] for x in a if x[1] is not None]
        brm = statistics.median(br) if br else None
        arm = statistics.median(ar) if ar else None
        each = lambda xs: ", ".join(f"{x[0]:.1f}" for x in xs)
        rel = f"{arm / brm:.3f}" if brm and arm and abs(brm - 1) > 1e-9 else ""
        print(f"| {cls} | {case} | {unit.get(cls, 'µs per op')} | {bc:.1f} ({each(b)}) | {ac:.1f} ({each(a)}) | {ac / bc:.3f} | "
              f"{'' if brm is None else f'{brm:.3f}'} | {'' if arm is None else f'{arm:.3f}'} | {rel} |")
PY
