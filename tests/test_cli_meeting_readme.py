"""Every ``samhandling …`` command the README shows runs (issue 14 item 6: a new user's first steps)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from samhandling.cli import main
from samhandling.structure.loader import BUNDLED_DIR

README = Path(__file__).resolve().parents[1] / "README.md"
NEEDS = {"plot": "matplotlib", "calendar": "icalendar", "report": "pytest_bdd"}


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line.startswith("samhandling "):
                out.append(line)
    return out


def test_readme_has_commands() -> None:
    assert len(readme_commands()) >= 15


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = shlex.split(command)[1:]
    module = NEEDS.get(argv[0])
    if module:
        pytest.importorskip(module)
    if argv[0] == "report":
        pytest.skip("«report» viser forrige kjøring av feature-filene (README: kjør dem først)")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAMHANDLING_DB", str(tmp_path / "saker.db"))
    monkeypatch.setenv("SAMHANDLING_TODAY", "2025-06-01")
    shutil.copy(BUNDLED_DIR / "sor-rogaland.yaml", tmp_path / "min-struktur.yaml")
    if (argv[0] == "case" and argv[1] != "new") or argv[0] == "archive":  # the README's order: a case exists
        assert main(["case", "new", "sor-rogaland", "tjenestemodell", "--title", "T", "--id", "CASE"]) == 0
        if argv[:2] == ["case", "history"]:
            assert main(["case", "act", "CASE", "draft_mandate", "--by", "TMG skrøpelige eldre"]) == 0
    if "--db" in argv:  # a store named on the command line: the README's cases live there
        db = ["--db", argv[argv.index("--db") + 1]]
        assert main(["case", "new", "sor-rogaland", "tjenestemodell", "--title", "T", "--id", "CASE", *db]) == 0
    if "--fit" in argv:  # fitted from the store's closed cases: the store exists (none closed: the process's values)
        assert main(["case", "new", "sogn-og-fjordane", "fsu-ssu-sak", "--title", "T", "--id", "CASE"]) == 0
    if argv[:2] == ["meeting", "plan"]:
        assert main(["meeting", "create", "sogn-og-fjordane", "--year", "2024"]) == 0
    capsys.readouterr()
    code = main(argv)
    _out, err = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in err, (command, err)  # validate: 1 = rule errors in the file
    if argv[0] != "validate":
        assert code == 0, (command, err)
