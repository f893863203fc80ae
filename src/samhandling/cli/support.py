"""What every CLI verb shares: the store address (``--db``), dates, secrets kept out of output, and ``-o``.

One place for each, so that every verb refuses the same bad input with the same Norwegian line:

* :func:`resolve_db` parses ``--db`` (a path, ``sqlite:///STI``, ``postgresql://…``); anything else is a
  :class:`~samhandling.errors.UsageError` naming what was typed (with the password hidden).
* :func:`open_repo` opens the store; reading verbs open it with ``read_only=True`` and never create a file.
* :func:`mask_secrets` hides the password of every ``scheme://user:password@host`` in a text; the CLI runs
  every error message and store address through it.
* :func:`write_output` writes a ``-o`` file: never over an input file, never over an existing file without
  ``--force``, never through a symbolic link, always atomically (a temporary file in the same folder, then a
  rename), so an interrupted write leaves the old file whole.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samhandling.errors import NotFoundError, SamhandlingError, UsageError

if TYPE_CHECKING:
    from samhandling.app.repository import CaseRepository

# ---------------------------------------------------------------------------------------------- secrets

_URL_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s«»\"']+")


def _mask_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    if "@" not in rest:
        return url
    userinfo, host = rest.rsplit("@", 1)
    if ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


_SECRETS: set[str] = set()


def remember_secret_from(url: str | None) -> None:
    """Remember the password in ``url`` (if any) so :func:`mask_secrets` hides it wherever it turns up."""
    if not url or "://" not in url:
        return
    rest = url.split("://", 1)[1]
    if "@" not in rest:
        return
    userinfo = rest.rsplit("@", 1)[0]
    if ":" in userinfo:
        password = userinfo.split(":", 1)[1]
        from urllib.parse import unquote

        for secret in {password, unquote(password)}:
            if len(secret) >= 4:  # shorter ones would mask ordinary words; the URL pattern still hides them
                _SECRETS.add(secret)


def mask_secrets(text: str) -> str:
    """``text`` with the password of every URL in it (and every remembered password) replaced by ``***``."""
    text = _URL_TOKEN.sub(lambda m: _mask_url(m.group(0)), text)
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


# ---------------------------------------------------------------------------------------------- --db

_DB_FORMS = "en filsti, sqlite:///STI eller postgresql://BRUKER@VERT:PORT/DATABASE"


def db_help(extra: str = "") -> str:
    return f"hendelseslager: {_DB_FORMS} (standard: $SAMHANDLING_DB, ellers samhandling.db){extra}"


def resolve_db(text: str | None, *, allow_memory: bool = False, option: str = "--db") -> str:
    """The store address to open, from ``--db`` (or ``$SAMHANDLING_DB``, or the default file).

    Accepted: a file path (SQLite), ``sqlite:///STI``, ``postgresql://…`` (also ``postgres://`` and
    ``postgresql+psycopg://``); ``:memory:``/``memory://`` only where ``allow_memory`` (the demonstration).
    Everything else is a :class:`UsageError` that names what was typed and the accepted forms.
    """
    from samhandling.store import DEFAULT_FILE, ENV_VAR

    if text is None:
        env = os.environ.get(ENV_VAR)
        if env is None or not env.strip():
            return DEFAULT_FILE
        text, option = env, f"${ENV_VAR}"
    raw = text
    text = text.strip()
    remember_secret_from(text)
    shown = mask_secrets(raw)

    def bad(why: str) -> UsageError:
        return UsageError(f"{option} «{shown}»: {why}; forventet {_DB_FORMS}", code="bad-db")

    if not text:
        raise bad("tom verdi")
    if "\x00" in text:
        raise bad("inneholder et nulltegn")
    if text in (":memory:", "memory://", "memory:"):
        if allow_memory:
            return "memory://"
        raise bad("et lager i minnet forsvinner når kommandoen er ferdig (bare «demo» tillater :memory:)")
    if text == "-":
        raise bad("«-» (standard inn/ut) kan ikke være et hendelseslager")
    if text.startswith("file:"):
        raise bad("SQLite-URI-er (file:…) støttes ikke; skriv filstien eller sqlite:///STI")
    lowered = text.lower()
    if lowered.startswith("sqlite:"):
        if not lowered.startswith("sqlite:///"):
            raise bad("en SQLite-adresse skrives sqlite:///STI (tre skråstreker)")
        path = text[len("sqlite:///") :]
        if path in ("", ":memory:"):
            raise bad("mangler filsti")
        _check_sqlite_path(path, bad)
        return "sqlite:///" + path
    if lowered.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from sqlalchemy.engine import make_url

        try:
            url = make_url(text)
            port = url.port
        except Exception:  # sqlalchemy says ValueError/ArgumentError for a bad port or shape
            raise bad("ugyldig PostgreSQL-adresse (sjekk porten: et heltall 1–65535)") from None
        if port is not None and not 0 < port < 65536:
            raise bad(f"porten {port} finnes ikke (1–65535)")
        return text
    if "://" in text:
        raise bad(f"ukjent type hendelseslager «{text.split('://', 1)[0]}»")
    _check_sqlite_path(text, bad)
    return text


def _check_sqlite_path(path: str, bad: Callable[[str], UsageError]) -> None:
    p = Path(path).expanduser()
    if p.is_dir():
        raise bad("er en mappe, ikke en fil")
    if not p.parent.is_dir():
        raise bad(f"mappen «{p.parent}» finnes ikke")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite address (None for PostgreSQL or memory)."""
    if url.startswith("memory:") or url.lower().startswith(("postgres", "postgresql")):
        return None
    path = url[len("sqlite:///") :] if url.lower().startswith("sqlite:///") else url
    return Path(path).expanduser()


def store_location(url: str) -> str:
    """Where a store is, for people: a SQLite file's path, or a database address without its password."""
    if url.lower().startswith("sqlite:///"):
        return url[len("sqlite:///") :]
    if url.startswith("memory:"):
        return "minnet (ikke varig)"
    if url.startswith("postgresql+psycopg://"):
        url = "postgresql://" + url.split("://", 1)[1]
    return mask_secrets(url)


def _open_store(url: str, *, read_only: bool) -> Any:
    import inspect

    from samhandling.store import open_store

    if read_only:
        try:
            accepts = "read_only" in inspect.signature(open_store).parameters
        except (TypeError, ValueError):  # pragma: no cover - a C callable
            accepts = False
        if accepts:
            return open_store(url, read_only=True)  # type: ignore[call-arg,unused-ignore]
    return open_store(url)


def open_repo(db: str | None, *, read_only: bool = False, allow_memory: bool = False) -> CaseRepository:
    """The case repository on ``--db``; reading verbs pass ``read_only`` and never create a store file."""
    from samhandling.app.repository import CaseRepository

    url = resolve_db(db, allow_memory=allow_memory)
    if read_only:
        path = sqlite_file(url)
        if path is not None and not path.exists():
            raise NotFoundError(
                f"hendelseslageret «{path}» finnes ikke (ingen saker er opprettet der ennå)", code="store-not-found"
            )
    return CaseRepository(_open_store(url, read_only=read_only))


# ---------------------------------------------------------------------------------------------- dates

DATE_FORMS = "ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ"


def parse_date(text: str | None, option: str) -> dt.date | None:
    """A date option (``--on``, ``--today``, …): ÅÅÅÅ-MM-DD or DD.MM.ÅÅÅÅ; a bad one is a usage error naming it."""
    if text is None:
        return None
    from samhandling.structure.loader import parse_norwegian_date

    day = parse_norwegian_date(text) if len(text) <= 40 else None
    if day is None:
        raise UsageError(f"{option}: «{text}» er ikke en dato; bruk {DATE_FORMS}")
    return day


# ---------------------------------------------------------------------------------------------- -o


def parse_attributes(items: Iterable[str], option: str = "--attr") -> dict[str, str]:
    """Case attributes from ``KEY=VALUE`` options (``region=nedre``): a usage error (code ``invalid-attr``) for an
    item without ``=``, an empty key or value, or a key given twice."""
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise UsageError(f"{option} skal være NØKKEL=VERDI (f.eks. region=sør), fikk «{item}»", code="invalid-attr")
        if key in found:
            raise UsageError(f"{option} {key} er oppgitt to ganger", code="invalid-attr")
        found[key] = value
    return found


def add_output(p: argparse.ArgumentParser, *, required: bool, helptext: str) -> None:
    """``-o/--output FIL`` and ``--force``, the same on every verb that writes a file."""
    p.add_argument("-o", "--output", required=required, metavar="FIL", help=helptext)
    p.add_argument(
        "--force", action="store_true", help="overskriv FIL om den finnes (aldri en inndatafil eller en symbolsk lenke)"
    )


def input_files(*names: str | None) -> list[Path]:
    """The arguments that name existing files (what ``-o`` must never overwrite)."""
    found: list[Path] = []
    for name in names:
        if not name:
            continue
        try:
            p = Path(name).expanduser()
            if p.is_file():
                found.append(p)
        except (OSError, ValueError):
            continue
    return found


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_output(path: str, *, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Refuse an output path that is empty, a folder, a link, an input, or an existing file without ``--force``."""
    if not path or not path.strip():
        raise UsageError("-o: tomt filnavn", code="bad-output")
    out = Path(path).expanduser()
    if out.is_symlink():
        raise UsageError(
            f"-o: «{path}» er en symbolsk lenke; skriver ikke gjennom lenker (oppgi filen selv)", code="output-symlink"
        )
    if out.is_dir():
        raise UsageError(f"-o: «{path}» er en mappe; oppgi et filnavn", code="bad-output")
    for source in inputs:
        if _same_file(out, source):
            raise UsageError(
                f"-o: «{path}» er også inndata til kommandoen; velg et annet filnavn "
                "(inndata overskrives aldri, heller ikke med --force)",
                code="output-is-input",
            )
    if out.exists() and not force:
        raise UsageError(f"-o: «{path}» finnes allerede; bruk --force for å overskrive", code="output-exists")
    if out.exists() and not out.is_file():
        raise UsageError(f"-o: «{path}» er ikke en vanlig fil", code="bad-output")
    if not out.parent.is_dir():
        raise UsageError(f"-o: mappen «{out.parent}» finnes ikke", code="bad-output")
    return out


def write_output_with(path: str, writer: Callable[[Path], Any], *, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Check ``path`` (see :func:`check_output`), let ``writer`` fill a temporary file beside it, then rename."""
    import tempfile

    out = check_output(path, force=force, inputs=list(inputs))
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix or ".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if out.is_symlink():  # appeared since the check: still never write through it
            raise UsageError(f"-o: «{path}» er en symbolsk lenke; skriver ikke gjennom lenker", code="output-symlink")
        os.replace(tmp, out)
    except OSError as exc:
        raise SamhandlingError(f"-o: kan ikke skrive «{path}»: {exc.strerror or exc}", code="write") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return out


def write_output(path: str, data: str | bytes, *, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` by the rules of :func:`write_output_with`."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    return write_output_with(path, lambda tmp: tmp.write_bytes(blob), force=force, inputs=inputs)
