#!/bin/bash
# run_all.sh OUTDIR — A (ours, this checkout) and B (wagtail-lms 0.11.1) side by side, same machine, same window.
# 1) in-process: B measure.py / A measure_a.py, alternating, ROUNDS times (100 repeats, 5 warm-ups)
# 2) bytes: one curl per page (raw body, gzip -6)
# 3) wrk: A gunicorn :8121 and B gunicorn :8122, 2 sync workers each; wrk -t1 -c4 -d10s per page,
#    ROUNDS rounds, A and B pages interleaved, the first system alternating by round; 2 s warm-up in round 1.
set -euo pipefail
OUT="$1"; mkdir -p "$OUT"
ROUNDS=${ROUNDS:-3}; DUR=${DUR:-10}; CONNS=${CONNS:-4}; WARM=${WARM:-2}; CMA=${CMA:-60}; REPEATS=${REPEATS:-100}
SKIP_INPROC=${SKIP_INPROC:-0}
HC=${BENCH_WORK:?set BENCH_WORK to a scratch folder (see run.sh)}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(cd "$HERE/../../.." && pwd)"
PEER=$HERE/wagtail-lms
B_VENV=$HC/peer-cache/wagtail-lms-venv
LESSON_A=/chuong-trinh/ct2-nghiep-vu-thong-tin-co-so/san-xuat-chuong-trinh-phat-thanh-cap-xa/viet-tin-bai-cho-tai-nghe/
PROGRAM_A=/chuong-trinh/ct2-nghiep-vu-thong-tin-co-so/
b_env() { env PEER_BENCH_CACHE=$HC/peer-cache DJANGO_SETTINGS_MODULE=peerproject.settings PYTHONPATH=$PEER \
              BENCH_CONN_MAX_AGE=$CMA "$@"; }
a_env() { ( . $HERE/conf/a_env.sh; export DATABASE_CONN_MAX_AGE=$CMA LESSON_URL=$LESSON_A PROGRAM_URL=$PROGRAM_A; cd $ROOT
            if [ "$1" = exec ]; then shift; exec "$@"; else "$@"; fi ); }
log() { echo "[$(date +%T)] $*" >&2; }
{ echo "start $(date -u +%FT%TZ) uptime: $(uptime)"; echo "CMA=$CMA ROUNDS=$ROUNDS DUR=$DUR CONNS=$CONNS"; } > "$OUT/meta.txt"

if [ "$SKIP_INPROC" != 1 ]; then
for r in $(seq 1 "$ROUNDS"); do
  log "in-process round $r: B"
  (cd $PEER && b_env $B_VENV/bin/python -W ignore measure.py "$REPEATS" | sed "s/^{/{\"round\": $r, /" >> "$OUT/inproc-B.jsonl")
  log "in-process round $r: A"
  a_env .venv/bin/python -W ignore $HERE/measure_a.py "$REPEATS" | sed "s/^{/{\"round\": $r, /" >> "$OUT/inproc-A.jsonl"
done
fi

A_PID=""; B_PID=""
if ss -ltn | grep -qE "127.0.0.1:812[12] "; then log "port 8121/8122 busy"; exit 1; fi
stop() { for p in $A_PID $B_PID; do kill -0 "$p" 2>/dev/null && kill -TERM "$p" && wait "$p" 2>/dev/null || true; done; }
trap stop EXIT
( . $HERE/conf/a_env.sh; export DATABASE_CONN_MAX_AGE=$CMA; cd $ROOT
  exec .venv/bin/gunicorn lms.wsgi:application --bind 127.0.0.1:8121 --workers 2 --worker-class sync \
  --log-level warning --error-logfile "$OUT/a-gunicorn.log" --capture-output ) &
A_PID=$!
(cd $PEER && exec env PEER_BENCH_CACHE=$HC/peer-cache DJANGO_SETTINGS_MODULE=peerproject.settings PYTHONPATH=$PEER \
  BENCH_CONN_MAX_AGE=$CMA $B_VENV/bin/gunicorn peerproject.wsgi:application --chdir $PEER --bind 127.0.0.1:8122 \
  --workers 2 --worker-class sync --log-level warning --error-logfile "$OUT/b-gunicorn.log" --capture-output) &
B_PID=$!
echo "A_PID=$A_PID B_PID=$B_PID" >> "$OUT/meta.txt"
for _ in $(seq 1 100); do
  a=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8121/hc-ping/ || true)
  b=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8122/bench-course/ || true)
  [ "$a" = 200 ] && [ "$b" = 200 ] && break; sleep 0.3
done
A_COOKIE=$(a_env .venv/bin/python $HERE/a_cookie.py)
B_COOKIE=$(cd $PEER && b_env $B_VENV/bin/python -W ignore session_cookie.py)
CEIL_COOKIE="csrftoken=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
# name|base|path|cookie
declare -A SPEC=(
  [B.lesson.learner]="8122|/bench-course/lesson-05/|$B_COOKIE"
  [B.course.learner]="8122|/bench-course/|$B_COOKIE"
  [B.course.anon]="8122|/bench-course/|"
  [A.lesson.learner]="8121|$LESSON_A|$A_COOKIE"
  [A.course.learner]="8121|$PROGRAM_A|$A_COOKIE"
  [A.course.anon]="8121|$PROGRAM_A|"
  [A.ceiling.cached_home]="8121|/hc-cached-home/|$CEIL_COOKIE"
  [A.ceiling.ping]="8121|/hc-ping/|"
)
mkdir -p "$OUT/bodies"
for name in "${!SPEC[@]}"; do
  IFS='|' read -r port path cookie <<<"${SPEC[$name]}"
  curl -s ${cookie:+-H "Cookie: $cookie"} -o "$OUT/bodies/$name.html" -w "$name %{http_code} %{size_download}\n" \
    "http://127.0.0.1:$port$path" >> "$OUT/bytes.txt"
  curl -s ${cookie:+-H "Cookie: $cookie"} -o /dev/null "http://127.0.0.1:$port$path"  # the cache fills in each worker
  code=$(tail -1 "$OUT/bytes.txt" | awk '{print $2}'); [ "$code" = 200 ] || { log "$name answered $code"; exit 1; }
  echo "$name gzip6 $(gzip -6 -c "$OUT/bodies/$name.html" | wc -c)" >> "$OUT/bytes.txt"
done
grep -q "Đã học xong" "$OUT/bodies/A.lesson.learner.html" && grep -q "lms-h5p-activity" "$OUT/bodies/B.lesson.learner.html" \
  && grep -q "4/9" "$OUT/bodies/A.course.learner.html" && [ "$(grep -o 'lms-lesson-list__checkmark' "$OUT/bodies/B.course.learner.html" | wc -l)" = 4 ] \
  || { log "page checks failed"; exit 1; }
ODD=(B.lesson.learner A.lesson.learner B.course.learner A.course.learner B.course.anon A.course.anon A.ceiling.cached_home A.ceiling.ping)
EVEN=(A.lesson.learner B.lesson.learner A.course.learner B.course.learner A.course.anon B.course.anon A.ceiling.ping A.ceiling.cached_home)
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order=("${ODD[@]}"); else order=("${EVEN[@]}"); fi
  for name in "${order[@]}"; do
    IFS='|' read -r port path cookie <<<"${SPEC[$name]}"
    hdr=(); [ -n "$cookie" ] && hdr=(-H "Cookie: $cookie")
    [ "$r" = 1 ] && wrk -t1 -c"$CONNS" -d"${WARM}s" "${hdr[@]}" "http://127.0.0.1:$port$path" > /dev/null
    log "round $r $name"
    res=$(wrk -t1 -c"$CONNS" -d"${DUR}s" --timeout 10s -s $PEER/wrk_report.lua "${hdr[@]}" "http://127.0.0.1:$port$path" \
          | sed -n 's/^WRK_JSON //p')
    echo "{\"round\": $r, \"page\": \"$name\", \"loadavg\": \"$(cut -d' ' -f1 /proc/loadavg)\", ${res#\{}" >> "$OUT/wrk.jsonl"
  done
done
echo "end $(date -u +%FT%TZ) uptime: $(uptime)" >> "$OUT/meta.txt"
grep -E 'Traceback|ERROR' "$OUT"/*-gunicorn.log && log "server errors!" || true
