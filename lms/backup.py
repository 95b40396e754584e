"""One-archive backups and their restore: the database, public media and private files.

An archive `lms-backup-YYYYMMDD-HHMMSS.tar` holds
- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite, the online backup API: a consistent
  copy while the site runs),
- `media/…` (MEDIA_ROOT) and `private/…` (PRIVATE_MEDIA_ROOT),
- `manifest.json`: when, which database vendor, the row count of every table, and the size and SHA-256 of every
  other member. `restore` checks every checksum before it writes anything, and the row counts after.

`pg_dump` must be at least the server's major version (an older client refuses a newer server): the tool is
looked up in /usr/lib/postgresql/<server major>/bin first, then on PATH, and its version is checked.
A restore goes only into an empty installation (no table, empty media folders): it never merges.

Plumbing: imports no app.
"""

import datetime
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts(conn=connection) -> dict[str, int]:
    """Rows of every table of the database (the project's and the libraries')."""
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        return sqlite_counts(conn.connection)
    counts = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_counts(database: sqlite3.Connection) -> dict[str, int]:
    """Every table SQLite holds, the search index's full-text tables included."""
    tables = [row[0] for row in database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {table: database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


def file_checksums(folder: Path) -> dict[str, str]:
    """`relative path → sha256` of every file under `folder`."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).as_posix(): sha256_of(path)
            for path in sorted(folder.rglob("*")) if path.is_file()}


# PostgreSQL tools -----------------------------------------------------------------------------------------

def server_major(conn=connection) -> int:
    conn.ensure_connection()
    return conn.pg_version // 10000


def pg_tool(name: str, major: int) -> str:
    """The client tool of the server's major version (Debian installs each under /usr/lib/postgresql/N)."""
    candidates = [f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)]
    for candidate in filter(None, candidates):
        if Path(candidate).exists() and tool_major(candidate) >= major:
            return candidate
    raise BackupError(f"{name} for PostgreSQL {major} is missing (install postgresql-client-{major}): an older "
                      f"client cannot dump or restore a newer server")


def tool_major(path: str) -> int:
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"\)\s*(\d+)", output)  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
    if not match:
        raise BackupError(f"cannot read the version of {path}: {output!r}")
    return int(match.group(1))


def pg_env(conf: dict) -> dict:
    """libpq variables: the password goes by environment, never on a command line others can read."""
    env = {**os.environ, "PGDATABASE": conf["NAME"], "PGUSER": conf.get("USER") or "",
           "PGHOST": conf.get("HOST") or "", "PGPORT": str(conf.get("PORT") or "")}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = conf["PASSWORD"]
    return {key: value for key, value in env.items() if value != ""}


# Backup ---------------------------------------------------------------------------------------------------

def create_backup(folder: Path, now: datetime.datetime | None = None) -> Path:
    """Write one archive into `folder`; returns its path."""
    now = now or datetime.datetime.now(datetime.UTC)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"lms-backup-{now:%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        database, counts = dump_database(Path(work))
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "vendor": connection.vendor,
                    "database": database.name, "row_counts": counts, "files": {}}
        members = [(database, database.name)]
        for prefix, root in (("media", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
            for relative in file_checksums(root):
                members.append((Path(root) / relative, f"{prefix}/{relative}"))
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            for path, name in members:
                manifest["files"][name] = {"sha256": sha256_of(path), "size": path.stat().st_size}
                tar.add(path, arcname=name, recursive=False)
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
        partial.rename(archive)  # a crash mid-way leaves no archive that looks complete
    return archive


def dump_database(work: Path) -> tuple[Path, dict[str, int]]:
    """The dump and the row counts of the same moment, while the site keeps writing."""
    if connection.vendor == "postgresql":
        target = work / "database.dump"
        pg_dump = pg_tool("pg_dump", server_major())
        # pg_dump reads the snapshot this transaction exported, and the counts are taken in it too.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            run([pg_dump, "-Fc", "--no-owner", "--no-acl", f"--snapshot={snapshot}", "-f", str(target)],
                env=pg_env(connection.settings_dict))
            counts = row_counts()
        return target, counts
    if connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # a consistent copy even while others write
            counts = sqlite_counts(copy)
        copy.close()
        return target, counts
    raise BackupError(f"no backup for the {connection.vendor} database")


def run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


# Restore --------------------------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except KeyError as error:
        raise BackupError("not an LMS backup: manifest.json is missing") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def restore_backup(archive: Path) -> RestoreResult:
    """Restore `archive` into this (empty) installation; raises BackupError and writes nothing on a bad
    archive, a non-empty target or another vendor."""
    with tarfile.open(archive, "r") as tar, tempfile.TemporaryDirectory(prefix="lms-restore-") as work:
        manifest = read_manifest(tar)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"the archive holds a {manifest['vendor']} database, this installation uses "
                              f"{connection.vendor}")
        tar.extractall(work, filter="data")  # the data filter refuses absolute paths, links out, devices
        verify_checksums(Path(work), manifest["files"])
        check_empty()
        load_database(Path(work) / manifest["database"])
        files = place_files(Path(work), manifest["files"])
    counts = row_counts()
    differing = {table: (rows, counts.get(table)) for table, rows in manifest["row_counts"].items()
                 if counts.get(table) != rows}
    if differing:
        raise BackupError(f"row counts differ after restore (table: archive, restored): {differing}")
    return RestoreResult(tables=len(counts), rows=sum(counts.values()), files=files)


def check_empty() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables): restore goes into a new one")
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        if file_checksums(root):
            raise BackupError(f"{root} already holds files: restore goes into empty folders")


def verify_checksums(work: Path, files: dict) -> None:
    for name, expected in files.items():
        path = work / name
        if not path.is_file() or sha256_of(path) != expected["sha256"]:
            raise BackupError(f"{name} is missing or damaged in the archive (checksum differs)")


def load_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        pg_restore = pg_tool("pg_restore", server_major())
        run([pg_restore, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
             "-d", connection.settings_dict["NAME"], str(dump)], env=pg_env(connection.settings_dict))
        return
    connection.ensure_connection()
    with sqlite3.connect(dump) as source:
        source.backup(connection.connection)
    source.close()


def place_files(work: Path, files: dict) -> int:
    roots = {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}
    placed = 0
    for name in files:
        prefix, _, relative = name.partition("/")
        if prefix not in roots:
            continue  # the database file
        target = roots[prefix] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(work / name, target)
        placed += 1
    return placed
