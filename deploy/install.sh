#!/bin/sh
# First install and upgrade step on a plain server (deploy/README.md): schema, translations, static files,
# then Django's deployment check. Run as root; the database and static steps run as the `lms` user.
set -eu
cd /srv/lms/app
# The .mo files go next to the code, which root owns.
/srv/lms/venv/bin/python manage.py compilemessages -v0 --ignore .venv --ignore node_modules
sudo -u lms sh -c 'set -e -a; . /srv/lms/.env; set +a
  /srv/lms/venv/bin/python manage.py migrate --noinput
  /srv/lms/venv/bin/python manage.py collectstatic --noinput -v0
  /srv/lms/venv/bin/python manage.py check --deploy --fail-level WARNING'
