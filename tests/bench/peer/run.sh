#!/bin/bash
# tests/bench/peer/run.sh — our learner pages side by side with the direct peer, wagtail-lms 0.11.1 from PyPI,
# on this machine in one window. A benchmark to run by hand, not a CI test (it takes ~15 minutes).
#
#   tests/bench/peer/run.sh                     # SQLite on both sides, 10,000 learners each
#   A_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_fast_bench \
#   B_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wagtail_lms_fast_bench tests/bench/peer/run.sh
#
# 1. the peer: its own virtualenv (wagtail-lms/setup.sh: pip install wagtail-lms==0.11.1 gunicorn, every version
#    pinned in constraints.txt) and 10,000 learners (wagtail-lms/seed.py: one course of 10 lessons, ~40 % done);
# 2. ours: this checkout's code on a database of its own (build_ours.sh: the curriculum and 10,000 learners of
#    tests/bench/load_dataset.py), and the sample learner walked over HTTP to "4 of 9 lessons done, on lesson 5"
#    (a_learner.py);
# 3. run_all.sh: in-process (test Client, query counts, ms) then gunicorn 2 sync workers per side and
#    wrk -t1 -c4 -d10s, page by page, the sides taking turns, ROUNDS rounds (3); summarize.py prints the table.
# Compare only ratios from one run: the machine is shared, the load average is recorded beside the figures.
# Work files: $BENCH_WORK (default ~/.cache/lms-peer-bench). BUILD_ONLY=1 stops after building both databases;
# REUSE=1 keeps both databases of a previous run (the side-by-side part only).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(cd "$HERE/../../.." && pwd)"
export BENCH_WORK=${BENCH_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/lms-peer-bench}
N=${LEARNERS:-10000}
mkdir -p "$BENCH_WORK"
log() { echo "[$(date +%T)] $*" >&2; }
if ! command -v wrk >/dev/null; then
  log "installing Debian's wrk"; apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
export PEER_BENCH_CACHE=$BENCH_WORK/peer-cache
if [ -n "${B_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$B_DATABASE_URL  # the peer reads DATABASE_URL; ours A_DATABASE_URL
  # the peer's seed.py empties the database's schema but does not create the database
  "$ROOT/.venv/bin/python" -c "import psycopg,sys; c=psycopg.connect(sys.argv[1].rsplit('/',1)[0]+'/postgres', autocommit=True)
if not c.execute('SELECT 1 FROM pg_database WHERE datname=%s', (sys.argv[1].rsplit('/',1)[1],)).fetchone():
    c.execute('CREATE DATABASE \"%s\"' % sys.argv[1].rsplit('/',1)[1])" "$B_DATABASE_URL"
fi
"$HERE/wagtail-lms/setup.sh"
if [ "${REUSE:-0}" != 1 ]; then
  log "peer: seeding $N learners"
  (cd "$HERE/wagtail-lms" && "$PEER_BENCH_CACHE/wagtail-lms-venv/bin/python" -W ignore seed.py "$N" >/dev/null)
  log "ours: building the database ($N learners)"
  LEARNERS=$N "$HERE/build_ours.sh"
  log "ours: walking the sample learner"
  (. "$HERE/conf/a_env.sh"; cd "$ROOT"
   .venv/bin/gunicorn lms.wsgi:application --bind 127.0.0.1:8121 --workers 1 --log-level warning \
     --error-logfile "$BENCH_WORK/a-walk.log" & pid=$!
   for _ in $(seq 1 100); do curl -sf -o /dev/null http://127.0.0.1:8121/hc-ping/ && break; sleep 0.3; done
   .venv/bin/python "$HERE/a_learner.py" "${A_DATABASE_URL:-$BENCH_WORK/a-db.sqlite3}" > "$BENCH_WORK/a-learner.env" || rc=$?
   kill -TERM $pid; wait $pid || true; exit ${rc:-0})
fi
[ "${BUILD_ONLY:-0}" = 1 ] && exit 0
OUT=$BENCH_WORK/run-$(date -u +%Y%m%dT%H%M%SZ)
log "side by side: $OUT"
"$HERE/run_all.sh" "$OUT"
{ echo "commit $(git -C "$ROOT" rev-parse --short HEAD) $(sed -n 1p "$OUT/meta.txt")"
  "$ROOT/.venv/bin/python" "$HERE/summarize.py" "$OUT"; sed -n '$p' "$OUT/meta.txt"; } | tee "$OUT/summary.txt"
