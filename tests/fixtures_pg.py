"""pytest plugin: a real PostgreSQL server for the store tests, started on loopback in a temp dir.

* ``pg_server`` (session): runs ``initdb`` and ``pg_ctl start`` from ``PATH`` or
  ``/usr/lib/postgresql/*/bin``; listens on 127.0.0.1 on a free port with its
  socket in the temp dir; stopped and removed at the end of the session.
  PostgreSQL refuses to run as root, so under root the server runs as the
  system user ``samhandling-pg`` (created with ``useradd --system`` if missing;
  ``nobody`` as a fallback) via ``runuser``.
* ``pg_url`` (function): a fresh, empty database on that server, dropped afterwards.

When no server binary exists at all the PostgreSQL tests are skipped, loudly:
the skip reason says so and the terminal summary ends with a banner. Any other
start-up failure is an error, never a skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

PG_USER = "samhandling-pg"
_SKIPPED: list[str] = []
_DB_COUNTER = itertools.count(1)


@attrs.frozen
class PgServer:
    host: str
    port: int
    user: str
    base: Path

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"


def find_pg_bin() -> Path | None:
    """The directory holding ``pg_ctl`` and ``initdb``, or None."""
    for name in ("pg_ctl",):
        found = shutil.which(name)
        if found and shutil.which("initdb"):
            return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "pg_ctl").exists() and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """The unprivileged account to run the server as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_USER)
        return PG_USER
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd:
        done = subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return PG_USER
    return "nobody"


def _run(cmd: list[str], user: str | None, **kw: object) -> subprocess.CompletedProcess[str]:
    if user is not None:
        runuser = shutil.which("runuser")
        cmd = (
            [runuser, "-u", user, "--", *cmd]
            if runuser
            else ["su", "-s", "/bin/sh", user, "-c", " ".join(f"'{c}'" for c in cmd)]
        )
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload,no-any-return]


def _skip(reason: str) -> None:
    if reason not in _SKIPPED:
        _SKIPPED.append(reason)
    pytest.skip(reason)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_stale(bindir: Path, user: str | None) -> None:
    """Stop and remove servers left by earlier test sessions that were killed before their clean-up ran."""
    for base in glob.glob(os.path.join(tempfile.gettempdir(), "samhandling-pg-*")):
        owner = Path(base) / "owner.pid"
        try:
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        if (Path(base) / "data" / "postmaster.pid").exists():
            _run([str(bindir / "pg_ctl"), "-D", str(Path(base) / "data"), "-m", "immediate", "-w", "stop"], user)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = find_pg_bin()
    if bindir is None:
        _skip(
            "INGEN POSTGRESQL-SERVER: fant verken pg_ctl/initdb på PATH eller i /usr/lib/postgresql/*/bin; "
            "PostgreSQL-testene av hendelseslageret ble IKKE kjørt (kjør «make test-deps» som root)"
        )
    assert bindir is not None
    user = _server_user()
    _sweep_stale(bindir, user)
    base = Path(tempfile.mkdtemp(prefix="samhandling-pg-"))
    data, sock, log = base / "data", base / "sock", base / "server.log"
    sock.mkdir()
    (base / "owner.pid").write_text(str(os.getpid()))
    if user is not None:
        entry = pwd.getpwnam(user)
        for p in (base, sock):
            os.chown(p, entry.pw_uid, entry.pw_gid)
        os.chmod(base, 0o700)
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    init = _run(
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        ],
        user,
        env=env,
        cwd=str(base),
    )
    if init.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb feilet (som {user or 'meg selv'}):\n{init.stdout}\n{init.stderr}", pytrace=False)
    port = _free_port()
    opts = (
        f"-h 127.0.0.1 -p {port} -k {sock} -c fsync=off -c full_page_writes=off "
        "-c synchronous_commit=off -c max_connections=200"
    )
    start = _run(
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "-t", "60", "start"],
        user,
        env=env,
        cwd=str(base),
    )
    if start.returncode != 0:
        text = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"pg_ctl start feilet:\n{start.stdout}\n{start.stderr}\n{text}", pytrace=False)
    try:
        yield PgServer("127.0.0.1", port, "postgres", base)
    finally:
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user, env=env, cwd=str(base))
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh empty database; its SQLAlchemy URL."""
    import psycopg

    name = f"t{os.getpid()}_{next(_DB_COUNTER)}"
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_server.url(name)
    finally:
        with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for reason in _SKIPPED:
        terminalreporter.write_sep("!", "POSTGRESQL-TESTER HOPPET OVER", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)


# ------------------------------------------------------------------ store back-ends shared by the store tests


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every event-store back-end: ``memory://``, a SQLite file, a fresh PostgreSQL database."""
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return str(tmp_path / "saker.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The durable back-ends only: a SQLite file and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "saker.db")
    return str(request.getfixturevalue("pg_url"))
