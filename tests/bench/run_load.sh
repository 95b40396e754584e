#!/usr/bin/env bash
# The load test in one command (`make load`): build the dataset, start the production-shaped stack
# (gunicorn 4 workers, PostgreSQL, Redis broker, Celery worker at nice 10), run Locust, check the
# outbox, the queue and the summary drift afterwards, stop everything it started, print a verdict.
#
#   tests/bench/run_load.sh                 # 205 users, 4 measured minutes
#   USERS=50 DURATION=60 tests/bench/run_load.sh
#   SHAPE=nodes tests/bench/run_load.sh     # the deploy shape: nginx (deploy/nginx) in front of two gunicorn
#                                           # nodes of 2 workers each, cache and sessions shared in Redis
#
# The users sign in while they arrive (2 a second; each sign-in hashes a password, the costliest request).
# Figures are taken over DURATION seconds that start SETTLE seconds after the last user arrived, so the
# queue the arrivals built has drained: the steady state the targets are for, not the sign-in rush.
#
# A benchmark, not a CI test. Record each run in docs/performance.md with the lines it prints under
# "record": date, commit, cores, the reference CPU figure and the load average before and during the run.
set -euo pipefail
cd "$(dirname "$0")/../.."

USERS=${USERS:-205}
DURATION=${DURATION:-240}
SETTLE=${SETTLE:-30}
RATE=2
RUN_TIME=$(( (USERS + RATE - 1) / RATE + SETTLE + DURATION ))
PORT=${PORT:-8001}
SHAPE=${SHAPE:-single}
NGINX_PORT=${NGINX_PORT:-8080}
DB=${LOAD_DB:-lms_load}
REDIS_DB=${REDIS_DB:-7}
OUT=test-artifacts/locust
PY=.venv/bin
mkdir -p "$OUT"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=tests.bench.locust_settings DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-load-test-only-$(head -c 48 /dev/urandom | base64 | tr -dc a-zA-Z0-9)}
export MEDIA_ROOT=/tmp/lms-load-media PRIVATE_MEDIA_ROOT=/tmp/lms-load-private
export CELERY_BROKER_URL="redis://127.0.0.1:6379/$REDIS_DB"
if [ "$SHAPE" = nodes ]; then
  # What several nodes need (docs/operations.md): one cache for all, the client's address from nginx.
  export CACHE_URL="redis://127.0.0.1:6379/$((REDIS_DB + 1))" TRUSTED_PROXY_COUNT=1
  command -v nginx >/dev/null || { echo "SHAPE=nodes needs nginx (apt-get install nginx)"; exit 2; }
fi

COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo "+changes")  # what runs
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all EXIT

reference_cpu_ms() {  # a fixed amount of CPU work: compare machines (and runs) by this figure
  "$PY/python" - <<'EOF'
import hashlib, statistics, time
runs = []
for _ in range(5):
    start = time.perf_counter()
    hashlib.pbkdf2_hmac("sha256", b"load", b"salt", 200_000)
    runs.append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(runs):.0f}")
EOF
}

queue_length() { redis-cli -h 127.0.0.1 -n "$REDIS_DB" llen celery; }
# How far the recounts are behind: the age of the oldest learner still waiting to be recounted, in seconds.
recount_lag() {
  psql -h 127.0.0.1 -U postgres -d "$DB" -Atc \
    "SELECT coalesce(round(extract(epoch FROM now() - min(created_at))), 0) FROM reports_pendingrecount"
}

echo "== dataset ($DB)"
dropdb -h 127.0.0.1 -U postgres --if-exists "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null
redis-cli -h 127.0.0.1 -n "$((REDIS_DB + 1))" flushdb >/dev/null
DJANGO_SETTINGS_MODULE=lms.settings.test "$PY/python" manage.py migrate -v0
DJANGO_SETTINGS_MODULE=lms.settings.test "$PY/python" tests/bench/load_dataset.py

echo "== stack"
nice -n 10 "$PY/celery" -A lms worker -Q celery,slow --concurrency 2 -l WARNING >"$OUT/worker.log" 2>&1 &
pids+=($!)
start_node() {  # port, workers
  "$PY/gunicorn" lms.wsgi:application --bind "127.0.0.1:$1" --workers "$2" --timeout 60 \
    >"$OUT/gunicorn-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 60); do curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" && break; sleep 1; done
}
# nginx as deploy/nginx configures it (the shared locations file), on a port of its own, without TLS.
start_nginx() {
  local dir="$PWD/$OUT/nginx"
  mkdir -p "$dir/tmp" "$dir/static" "$dir/media" "$dir/private"
  sed "s#/srv/lms/#$dir/#g" deploy/nginx/lms-locations.conf >"$dir/lms-locations.conf"
  : >"$dir/upstream.log"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  log_format upstream '\$upstream_addr';   # which node answered: the record counts requests per node
  access_log $dir/upstream.log upstream;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy; fastcgi_temp_path $dir/tmp/fcgi;
  uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  upstream lms_app { server 127.0.0.1:$PORT; server 127.0.0.1:$((PORT + 1)); }
  server { listen 127.0.0.1:$NGINX_PORT; include $dir/lms-locations.conf; }
}
CONF
  nginx -c "$dir/nginx.conf" -g "daemon off;" >"$OUT/nginx.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 20); do curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/healthz" && break; sleep 0.5; done
}
if [ "$SHAPE" = nodes ]; then
  start_node "$PORT" 2
  start_node "$((PORT + 1))" 2
  start_nginx
  HOST="http://127.0.0.1:$NGINX_PORT"
else
  start_node "$PORT" 4
  HOST="http://127.0.0.1:$PORT"
fi
sleep 5  # let the machine settle after start-up before reading the quiet load average
load_before=$(cut -d' ' -f1 /proc/loadavg)
cpu_ms=$(reference_cpu_ms)

echo "== locust: $USERS users arriving $RATE/s, then ${SETTLE} s to settle, then ${DURATION} s measured"
: >"$OUT/samples.txt"
( while sleep 5; do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg) $(queue_length) $(recount_lag)" >>"$OUT/samples.txt"; done ) &
sampler=$!
pids+=($sampler)
LOAD_SETTLE_SECONDS=$SETTLE "$PY/locust" -f tests/bench/locust_learning.py --headless -u "$USERS" -r "$RATE" -t "${RUN_TIME}s" \
  --host "$HOST" --csv "$OUT/run" --only-summary 2>&1 | tee "$OUT/locust.txt" \
  | sed -n '/^page/,$p'
kill "$sampler" 2>/dev/null || true

echo "== afterwards"
drain_start=$(date +%s)
while [ "$(queue_length)" -gt 0 ] && [ $(( $(date +%s) - drain_start )) -lt 120 ]; do sleep 1; done
drained_in=$(( $(date +%s) - drain_start ))
sleep 3  # the last tasks finish
unsent=$("$PY/python" manage.py shell -v 0 --no-imports -c "from outbox.models import OutboxMessage as M; print(M.objects.filter(sent_at__isnull=True).count())" 2>/dev/null || echo "?")
drift=$("$PY/python" manage.py rebuild_report_summaries --check 2>&1 | tail -1 || true)
max_queue=$(awk 'BEGIN{m=0} $3>m{m=$3} END{print m}' "$OUT/samples.txt")
max_lag=$(awk 'BEGIN{m=0} $4>m{m=$4} END{print m}' "$OUT/samples.txt")
load_during=$(awk '{s+=$2; n++} END{if(n) printf "%.2f", s/n}' "$OUT/samples.txt")
errors=$(grep -oP '^errors: \K[0-9]+' "$OUT/locust.txt" || echo "?")
missed=$(grep -oP 'missed targets: \K.*' "$OUT/locust.txt" || echo "?")

ready="n/a"
if [ "$SHAPE" = nodes ]; then
  ready=$(for port in "$PORT" "$((PORT + 1))"; do
            printf "%s:%s " "$port" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")"; done)
  per_node=$(sort "$OUT/nginx/upstream.log" | uniq -c | awk '{printf "%s %s requests; ", $2, $1}')
  ready="${ready}; ${per_node}"
fi

echo "== record"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: ${COMMIT}  cores: $(nproc)  shape: ${SHAPE}"
echo "reference CPU (pbkdf2-sha256 200k, median of 5): ${cpu_ms} ms"
echo "load average: before ${load_before}, during ${load_during} (mean of 5 s samples)"
echo "queue: max ${max_queue} messages during the run, drained ${drained_in} s after Locust stopped"
echo "recounts: at most ${max_lag} s behind (oldest learner waiting, 5 s samples)"
echo "outbox unsent: ${unsent}; drift: ${drift}"
echo "errors: ${errors}; missed targets: ${missed}; /readyz afterwards: ${ready}"
if [ "$errors" = "0" ] && [ "$missed" = "none" ] && [ "$unsent" = "0" ] && [ "$drained_in" -le 5 ] && [ "$max_lag" -le 5 ] \
   && [[ "$drift" == No\ drift* ]]; then
  echo "VERDICT: PASS"
else
  echo "VERDICT: FAIL"
fi
