#!/bin/bash
# build_ours.sh — our side's database for the side-by-side run, in $BENCH_WORK (SQLite a-db.sqlite3, or
# A_DATABASE_URL for PostgreSQL: a database of your own, dropped and recreated): the project's setup (map,
# site, curriculum, demo accounts) plus tests/bench/load_dataset.py for LEARNERS learners in all (default
# 10,000), then the sample learner (0912000001) reset to a fresh start for a_learner.py.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; ROOT="$(cd "$HERE/../../.." && pwd)"
: "${BENCH_WORK:?set BENCH_WORK to a scratch folder}"
LEARNERS=${LEARNERS:-10000}
export DJANGO_SETTINGS_MODULE=lms.settings.dev  # seed_demo runs only with DEBUG on (dev)
export DATABASE_URL=${A_DATABASE_URL:-sqlite:///$BENCH_WORK/a-db.sqlite3}
cd "$ROOT"
PY=.venv/bin/python
if [[ "$DATABASE_URL" == sqlite* ]]; then rm -f "$BENCH_WORK"/a-db.sqlite3*; else
  name=${DATABASE_URL##*/}; [[ "$name" == *bench* ]] || { echo "A_DATABASE_URL: the name must contain 'bench'"; exit 1; }
  base=${DATABASE_URL%/*}/postgres
  $PY -c "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True); c.execute('DROP DATABASE IF EXISTS \"$name\"'); c.execute('CREATE DATABASE \"$name\"')" "$base"
fi
$PY manage.py migrate --noinput -v0
# The load dataset first: it assigns managers to the 2023 districts, which the reform map retires.
$PY tests/bench/load_dataset.py --national $((LEARNERS - 3000)) >/dev/null
$PY manage.py load_default_map >/dev/null
$PY manage.py setup_site >/dev/null
$PY manage.py seed_demo >/dev/null
$PY - <<'PY'
import os, sys
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.apps import apps
from accounts.models import LearnerProfile, User

user = User.objects.get(username="0912000001")
# a_learner.py walks the sample learner from a fresh start: enrol in CT2, finish module 1 and its quiz, ...
apps.get_model("courses.CertificateEvent").objects.filter(certificate__user=user).delete()
for label in ("courses.ProgressEvent", "courses.LessonProgress", "courses.ModuleCompletion",
              "courses.ProgramCompletion", "courses.Certificate", "courses.Enrolment", "assessments.Attempt"):
    apps.get_model(label).objects.filter(user=user).delete()
LearnerProfile.objects.filter(user=user).update(needs_commune_confirmation=False)
print(f"learners: {User.objects.filter(learner_profile__isnull=False).count()}", file=sys.stderr)
PY
