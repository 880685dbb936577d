#!/usr/bin/env bash
# Before/after throughput: `npm run bench:compare -- <git-ref> [<other-ref>]`
#
# Checks <git-ref> out into a temporary git worktree (under $TMPDIR, outside the repository), gives it
# dependencies (a symlink to this tree's node_modules when the two package-lock.json files are identical,
# else `npm ci`), then runs bench:thanks and bench:reactions alternately on the ref and on the current
# working tree (uncommitted changes included; or on <other-ref>, checked out the same way), PAIRS (3)
# pairs, swapping which goes first every other pair. Prints Kudos's throughput per run and the median
# ratio current / ref, then removes the worktree(s).
#
# Each tree runs its own bench files (the ref's benchmarks are the ones it was committed with): Kudos's
# measurement is the same procedure in both as long as bench/thanks.ts and bench/reactions.ts keep it.
#
# Knobs (environment):
#   BENCH_QUICK=1       short runs: BENCH_SECONDS=4, BENCH_EVENTS=2000 (about 8 minutes on 2 cores)
#   BENCH_SECONDS       /thanks load per phase, s (default 10)
#   BENCH_EVENTS        reaction events per run (default 5000)
#   BENCH_HISTORY       seeded history, kudos (each tree's default, 20000)
#   BENCH_DATABASE_URL  the Postgres to bench on (else TEST_DATABASE_URL, else the local `test` database)
#   PAIRS               pairs of runs (default 3)
#   COMPARE_TIMEOUT     seconds one bench run may take before it is stopped (default 900)
#   COMPARE_LOGS        folder for each run's full output (default: a new folder under $TMPDIR, kept)
set -euo pipefail

usage() {
  echo "usage: npm run bench:compare -- <git-ref> [<other-ref>]   (without <other-ref>: the current working tree)" >&2
  exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
[[ $1 == -* ]] && usage

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
cd "$ROOT"

REF_NAME=$1
REF_SHA=$(git rev-parse --verify --quiet "$1^{commit}") || { echo "not a commit: $1" >&2; exit 2; }
CUR_NAME="working tree"
CUR_SHA=""
if [[ $# -eq 2 ]]; then
  CUR_NAME=$2
  CUR_SHA=$(git rev-parse --verify --quiet "$2^{commit}") || { echo "not a commit: $2" >&2; exit 2; }
fi

if [[ ${BENCH_QUICK:-} == 1 ]]; then
  export BENCH_SECONDS=${BENCH_SECONDS:-4} BENCH_EVENTS=${BENCH_EVENTS:-2000}
else
  export BENCH_SECONDS=${BENCH_SECONDS:-10} BENCH_EVENTS=${BENCH_EVENTS:-5000}
fi
PAIRS=${PAIRS:-3}
TIMEOUT=${COMPARE_TIMEOUT:-900}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kudos-compare.XXXXXX")
LOGS=${COMPARE_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/kudos-compare-logs.XXXXXX")}
mkdir -p "$LOGS"
WORKTREES=()

cleanup() {
  local wt
  for wt in "${WORKTREES[@]}"; do
    # The symlinked node_modules is this tree's: remove the link itself before git cleans the folder.
    [[ -L $wt/node_modules ]] && rm -f "$wt/node_modules"
    git -C "$ROOT" worktree remove --force "$wt" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
  git -C "$ROOT" worktree prune || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Checks a commit out into $WORK/<name> and gives it dependencies (not in a subshell: WORKTREES must keep it).
checkout() {
  local name=$1 sha=$2 dir=$WORK/$1
  git worktree add --quiet --detach "$dir" "$sha"
  WORKTREES+=("$dir")
  if cmp -s "$ROOT/package-lock.json" "$dir/package-lock.json" && [[ -d $ROOT/node_modules ]]; then
    ln -s "$ROOT/node_modules" "$dir/node_modules"
    echo "$name ($sha): same package-lock.json, sharing node_modules" >&2
  else
    echo "$name ($sha): package-lock.json differs, installing its dependencies" >&2
    (cd "$dir" && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; }) >&2
  fi
}

# How a tree runs one benchmark: its own npm script when it has one, else the file through tsx.
bench_command() {
  local dir=$1 bench=$2
  if node -e 'const s = require(process.argv[1]).scripts || {}; process.exit(s[process.argv[2]] ? 0 : 1)' "$dir/package.json" "bench:$bench"; then
    echo "npm run --silent bench:$bench"
  elif [[ -f $dir/bench/$bench.ts ]]; then
    echo "npx --no-install tsx bench/$bench.ts"
  else
    echo "no bench:$bench script and no bench/$bench.ts in $dir" >&2
    return 1
  fi
}

checkout ref "$REF_SHA"
REF_DIR=$WORK/ref
CUR_DIR=$ROOT
if [[ -n $CUR_SHA ]]; then
  checkout current "$CUR_SHA"
  CUR_DIR=$WORK/current
fi

# Pulls Kudos's figures out of a run's output (the lines bench/thanks.ts and bench/reactions.ts print):
# thanks: acks/s, end-to-end kudos/s, CPU ms per /thanks (this process + Postgres);
# reactions: events/s ("!" appended when the counts were not exact), database round trips per delivery.
extract() {
  local bench=$1 log=$2
  if [[ $bench == thanks ]]; then
    local ack e2e cpu
    ack=$(grep -oP '^Kudos \(Postgres\)\s+\K[0-9.]+(?= /thanks acknowledged per s)' "$log" | head -1 || true)
    e2e=$(grep -oP '^Kudos, end to end[^:]*: \K[0-9.]+(?= kudos/s)' "$log" | head -1 || true)
    cpu=$(grep -P '^Kudos \(Postgres\)\s+CPU per /thanks' "$log" | head -1 |
      sed -nE 's/.*this process ([0-9.]+) ms.*Postgres ([0-9.]+) ms.*/\1 \2/p; s/.*this process ([0-9.]+) ms.*/\1 0/p' | head -1 |
      awk '{ printf "%.2f", $1 + $2 }' || true)
    echo "${ack:-NA} ${e2e:-NA} ${cpu:-NA}"
  else
    local ev rt exact=""
    ev=$(grep -oP '^Kudos \(Postgres\)\s+\K[0-9.]+(?= events/s processed)' "$log" | head -1 || true)
    rt=$(grep -oP '^per delivery: \K[0-9.]+(?= database round trips)' "$log" | head -1 || true)
    grep -q 'expected exactly [0-9]*: exact' "$log" || exact="!"
    echo "${ev:-NA}${exact} ${rt:-NA}"
  fi
}

RESULTS=$WORK/results.tsv
: >"$RESULTS"
run_one() {
  local pair=$1 side=$2 dir=$3 bench=$4 cmd log rc=0
  cmd=$(bench_command "$dir" "$bench")
  log=$LOGS/pair$pair-$side-$bench.log
  echo "pair $pair/$PAIRS  $side  bench:$bench  ($cmd)" >&2
  (cd "$dir" && timeout -k 10 "$TIMEOUT" bash -c "$cmd") >"$log" 2>&1 || rc=$?
  [[ $rc -eq 0 ]] || echo "  exit status $rc; see $log" >&2
  local figures
  figures=$(extract "$bench" "$log")
  echo "  $figures" >&2
  printf '%s\t%s\t%s\t%s\n' "$pair" "$side" "$bench" "$figures" >>"$RESULTS"
}

echo "comparing $REF_NAME ($REF_SHA) with $CUR_NAME${CUR_SHA:+ ($CUR_SHA)}: $PAIRS pairs, BENCH_SECONDS=$BENCH_SECONDS BENCH_EVENTS=$BENCH_EVENTS${BENCH_HISTORY:+ BENCH_HISTORY=$BENCH_HISTORY}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "full outputs: $LOGS" >&2
for ((p = 1; p <= PAIRS; p++)); do
  if ((p % 2)); then order=(ref current); else order=(current ref); fi
  for bench in thanks reactions; do
    for side in "${order[@]}"; do
      if [[ $side == ref ]]; then run_one "$p" ref "$REF_DIR" "$bench"; else run_one "$p" current "$CUR_DIR" "$bench"; fi
    done
  done
done

# The table: per pair, each side's figures and the ratio current / ref; then the median of each column.
node - "$RESULTS" "$REF_NAME" "$CUR_NAME" <<'EOF'
const fs = require('node:fs');
const [file, refName, curName] = process.argv.slice(2);
const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('\t'));
const pairs = [...new Set(rows.map((r) => r[0]))];
const get = (pair, side, bench) => (rows.find((r) => r[0] === pair && r[1] === side && r[2] === bench) || [])[3] || 'NA';
const num = (s) => (/^[0-9.]+$/.test(s) ? Number(s) : NaN);
const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const field = (n) => (f) => f.split(' ')[n] || 'NA';
// Throughputs (higher is better; the target applies to them), then costs per request (lower is better),
// which a loaded machine moves much less than throughput.
const metrics = [
  { label: '/thanks acks/s', bench: 'thanks', pick: field(0), target: true },
  { label: '/thanks end to end kudos/s', bench: 'thanks', pick: field(1), target: true },
  { label: 'reactions events/s', bench: 'reactions', pick: field(0), target: true },
  { label: '/thanks CPU ms per request (process + Postgres)', bench: 'thanks', pick: field(2), digits: 2 },
  { label: 'reactions DB round trips per delivery', bench: 'reactions', pick: field(1), digits: 1 },
];
const fmt = (x, digits = 0) => (Number.isNaN(x) ? 'NA' : x.toFixed(digits));
console.log('');
console.log(`ref = ${refName}, current = ${curName}. Kudos per run ("!" = the reaction counts were not exact):`);
console.log('');
console.log(['pair', ...metrics.flatMap((m) => [`${m.label} ref`, 'current', 'current/ref'])].join(' | '));
console.log(['---', ...metrics.flatMap(() => ['---:', '---:', '---:'])].join(' | '));
const ratios = metrics.map(() => []);
const sides = metrics.map(() => ({ ref: [], current: [] }));
for (const p of pairs) {
  const cells = [p];
  metrics.forEach((m, i) => {
    const r = m.pick(get(p, 'ref', m.bench));
    const c = m.pick(get(p, 'current', m.bench));
    const q = num(c) / num(r);
    ratios[i].push(q);
    sides[i].ref.push(num(r));
    sides[i].current.push(num(c));
    cells.push(r, c, Number.isNaN(q) ? 'NA' : q.toFixed(2));
  });
  console.log(cells.join(' | '));
}
const med = ['median'];
metrics.forEach((m, i) => med.push(fmt(median(sides[i].ref), m.digits), fmt(median(sides[i].current), m.digits), fmt(median(ratios[i]), 2)));
console.log(med.join(' | '));
console.log('');
metrics.forEach((m, i) => {
  const q = median(ratios[i]);
  if (!m.target) {
    console.log(`${m.label}: median current/ref ${fmt(q, 2)} (above 1: the current tree spends more per request)`);
    return;
  }
  const verdict = Number.isNaN(q) ? 'no figures' : q >= 0.9 ? 'within 10 % (target met)' : `${((1 - q) * 100).toFixed(0)} % below the ref (target: no more than 10 %)`;
  console.log(`${m.label}: median current/ref ${Number.isNaN(q) ? 'NA' : q.toFixed(2)}, ${verdict}`);
});
EOF
