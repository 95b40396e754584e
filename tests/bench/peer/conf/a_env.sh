_conf="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PYTHONPATH=$_conf:$(cd "$_conf/../../../.." && pwd)
export DJANGO_SETTINGS_MODULE=hc_settings
export DJANGO_SECRET_KEY=hc-perf-bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=false
export DATABASE_URL=${A_DATABASE_URL:-sqlite:///$BENCH_WORK/a-db.sqlite3}
export DATABASE_CONN_MAX_AGE=${CMA:-60}
