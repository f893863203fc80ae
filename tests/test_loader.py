"""The structure loader: YAML quirks, located errors, dates, and robustness against any input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import samhandling
from samhandling.errors import LoadError, NotFoundError, SamhandlingError, SchemaError, YamlSyntaxError
from samhandling.formats.yamlio import parse_yaml
from samhandling.structure.loader import BUNDLED_DIR, parse_norwegian_date

MINIMAL = """\
structure: mini
name: Mini
parties:
  - {id: kommune, name: NAME, kind: municipality, kommunenummer: KNR}
bodies:
  - {id: utvalg, name: Utvalget, kind: council}
"""


def mini(name: str = "Kommunen", knr: str = '"1108"') -> samhandling.Structure:
    return samhandling.loads(MINIMAL.replace("NAME", name).replace("KNR", knr))


# ---------------------------------------------------------------------------- YAML quirks


@pytest.mark.parametrize("word", ["NO", "no", "No", "yes", "Yes", "on", "off", "y", "n", "ON"])
def test_yaml_11_booleans_stay_strings(word: str) -> None:
    s = mini(name=word)
    assert s.party("kommune").name == word


def test_true_false_are_still_booleans_where_booleans_are_expected() -> None:
    data = parse_yaml("a: true\nb: False\nc: yes\n")
    assert data == {"a": True, "b": False, "c": "yes"}


def test_no_sexagesimal_or_octal_numbers() -> None:
    data = parse_yaml("a: 1:20\nb: 010\nc: 0926\nd: 12\n")
    assert data == {"a": "1:20", "b": "010", "c": "0926", "d": 12}


def test_duplicate_keys_are_refused_with_both_lines() -> None:
    text = MINIMAL.replace("name: Mini\n", "name: Mini\nname: Maxi\n").replace("NAME", "K").replace("KNR", '"1108"')
    with pytest.raises(SchemaError) as info:
        samhandling.loads(text, filename="dup.yaml")
    err = info.value
    assert err.code == "duplicate-key"
    assert err.location is not None and (err.location.file, err.location.line) == ("dup.yaml", 3)
    assert "linje 2" in err.message


def test_merge_keys_may_be_overridden_without_being_duplicates() -> None:
    data = parse_yaml("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n")
    assert data["use"] == {"x": 1, "y": 3}


# ---------------------------------------------------------------------------- kommunenummer


@pytest.mark.parametrize("knr", ['"1108"', '"0926"', "'0301'"])
def test_kommunenummer_are_strings(knr: str) -> None:
    value = mini(knr=knr).party("kommune").kommunenummer
    assert isinstance(value, str)
    assert value == knr.strip("\"'")


@pytest.mark.parametrize(
    ("knr", "quoted"), [("1108", '"1108"'), ("0926", '"0926"'), ("0301", '"0301"'), ("1103", '"1103"')]
)
def test_unquoted_kommunenummer_is_refused_with_a_hint_to_quote_it(knr: str, quoted: str) -> None:
    # YAML reads 1103 as a number and, in YAML 1.1 loaders, 0301 as an octal number: the value is
    # only right by luck, so an unquoted number is refused where it is written.
    with pytest.raises(SchemaError) as info:
        mini(knr=knr)
    assert info.value.code == "unquoted-kommunenummer"
    assert info.value.location is not None and info.value.location.line == 4
    assert f"kommunenummer: {quoted}" in info.value.message
    assert "anførselstegn" in info.value.message


@pytest.mark.parametrize("knr", ["926", '"11080"', '"11a8"', "[1108]"])
def test_bad_kommunenummer_is_a_located_schema_error(knr: str) -> None:
    with pytest.raises(SchemaError) as info:
        mini(knr=knr)
    assert info.value.location is not None and info.value.location.line == 4


def test_bundled_kommunenummer_are_four_digit_strings() -> None:
    for name in samhandling.bundled_names():
        for party in samhandling.load(name).parties:
            if party.kommunenummer is not None:
                assert len(party.kommunenummer) == 4 and party.kommunenummer.isdigit(), (name, party.id)


def test_knutepunkt_keeps_leading_zero() -> None:
    assert samhandling.load("knutepunkt-sorlandet").party("Lillesand").kommunenummer == "0926"


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30.08.24", dt.date(2024, 8, 30)),
        ("5.10.06", dt.date(2006, 10, 5)),
        ("04.05.07", dt.date(2007, 5, 4)),
        ("30. mars 2012", dt.date(2012, 3, 30)),
        ("1. mars 2007", dt.date(2007, 3, 1)),
        ("29.12.2023", dt.date(2023, 12, 29)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("30.\u00a0mars 2012", dt.date(2012, 3, 30)),
        ("14. Februar 2024", dt.date(2024, 2, 14)),
        ("01.01.70", dt.date(1970, 1, 1)),
    ],
)
def test_parse_norwegian_date(text: str, expected: dt.date) -> None:
    assert parse_norwegian_date(text) == expected


@pytest.mark.parametrize(
    "text", ["30.02.24", "ultimo mai", "desember 2021", "32.01.2024", "2025", "", "5. smarch 2012"]
)
def test_parse_norwegian_date_refuses(text: str) -> None:
    assert parse_norwegian_date(text) is None


def test_dates_in_files() -> None:
    ahus = samhandling.load("ahus-forvaltningsnettverk")
    assert ahus.mandate is not None
    assert ahus.mandate.approved_on == dt.date(2024, 8, 30)
    assert ahus.mandate.valid_from == dt.date(2024, 8, 30)
    assert ahus.mandate.review == "2025"
    assert ahus.mandate.version == "1.0"
    sogn = samhandling.load("faggruppe-sogn")
    assert sogn.mandate is not None and sogn.mandate.approved_on == dt.date(2012, 3, 30)
    kns = samhandling.load("knutepunkt-sorlandet")
    assert kns.mandate is not None and kns.mandate.approved_on == dt.date(2006, 10, 5)


def test_impossible_iso_date_is_a_schema_error() -> None:
    text = MINIMAL.replace("NAME", "K").replace("KNR", '"1108"').replace("council}", "council, valid_from: 2023-02-29}")
    with pytest.raises(SchemaError) as info:
        samhandling.loads(text)
    assert info.value.location is not None and info.value.location.line == 6


def test_period_end_before_start() -> None:
    text = (
        MINIMAL.replace("NAME", "K")
        .replace("KNR", '"1108"')
        .replace("council}", "council, valid_from: 2024-01-01, valid_to: 2023-01-01}")
    )
    with pytest.raises(SchemaError) as info:
        samhandling.loads(text)
    assert info.value.code == "invalid-period"


# ---------------------------------------------------------------------------- shape errors


@pytest.mark.parametrize(
    ("old", "new", "code", "line"),
    [
        ("kind: council}", "kind: council, colour: red}", "unknown-key", 6),
        ("kind: council}", "kind: komité}", "invalid-value", 6),
        ("name: Mini\n", "name: Mini\nbodies_: []\n", "unknown-key", 3),
        ("{id: utvalg, name: Utvalget, kind: council}", "{id: utvalg, kind: council}", "missing-key", 6),
    ],
)
def test_schema_errors_are_located(old: str, new: str, code: str, line: int) -> None:
    text = MINIMAL.replace("NAME", "K").replace("KNR", '"1108"').replace(old, new)
    with pytest.raises(SchemaError) as info:
        samhandling.loads(text, filename="f.yaml")
    assert info.value.code == code
    assert info.value.location is not None
    assert (info.value.location.file, info.value.location.line) == ("f.yaml", line)


def test_empty_and_non_mapping_documents() -> None:
    for text in ("", "# only a comment\n", "- a\n- b\n", "just text"):
        with pytest.raises(SchemaError):
            samhandling.loads(text)


def test_missing_bodies() -> None:
    with pytest.raises(SchemaError) as info:
        samhandling.loads("structure: x\n")
    assert info.value.code == "missing-key"


def test_settings_alternatives_must_be_a_list() -> None:
    text = MINIMAL.replace("NAME", "K").replace("KNR", '"1108"') + "settings:\n  a: {value: 1, alternatives: 2}\n"
    with pytest.raises(SchemaError) as info:
        samhandling.loads(text)
    assert info.value.location is not None and info.value.location.line == 8


def test_rule_with_unknown_source() -> None:
    text = MINIMAL.replace("NAME", "K").replace("KNR", '"1108"') + (
        "sources:\n  S9: {file: s9.txt}\nrules:\n  - {id: R1, category: c, modality: skal, source: S8, text: t}\n"
    )
    with pytest.raises(SchemaError) as info:
        samhandling.loads(text)
    assert info.value.code == "unknown-source"


def test_broken_yaml_is_a_syntax_error_with_location() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        samhandling.loads("structure: x\nbodies: [\n", filename="b.yaml")
    assert info.value.location is not None and info.value.location.file == "b.yaml"
    assert "\n" not in str(info.value)


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        samhandling.load(tmp_path / "missing.yaml")
    assert info.value.code == "file-not-found"
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("structure: Førde\n".encode("latin-1"))
    with pytest.raises(LoadError) as info:
        samhandling.load(bad)
    assert info.value.code == "encoding"
    with pytest.raises(NotFoundError) as nf:
        samhandling.load("finnes-ikke")
    assert nf.value.code == "unknown-structure"
    assert "sor-rogaland" in nf.value.message


def test_bundled_syntax_errors_name_the_short_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import samhandling.structure.loader as loader

    (tmp_path / "brutt.yaml").write_text("structure: x\nbodies: [\n", encoding="utf-8")
    monkeypatch.setattr(loader, "BUNDLED_DIR", tmp_path)
    with pytest.raises(YamlSyntaxError) as info:
        loader.load("brutt")
    assert info.value.location is not None and info.value.location.file == "brutt.yaml"


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("NAME", "K").replace("KNR", '"1108"').encode())
    assert samhandling.load(path).id == "mini"


def test_extension_sections_are_kept_raw() -> None:
    text = MINIMAL.replace("NAME", "K").replace("KNR", '"1108"') + "meetings:\n  - {body: utvalg, date: 2024-02-14}\n"
    s = samhandling.loads(text)
    assert s.extensions["meetings"][0]["date"] == dt.date(2024, 2, 14)


# ---------------------------------------------------------------------------- robustness (property tests)


def _bundled_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_DIR.glob("*.yaml"))]


BUNDLED_TEXTS = _bundled_texts()
SCALARS = [
    "",
    "~",
    "true",
    "1",
    "-3",
    "2024-02-30",
    "[]",
    "{}",
    "[a, b]",
    "x: y",
    "&a [*a]",
    "!!python/object:os.system",
    "'",
    '"',
    "*nope",
    "NO",
    "0x1F",
    "1e999",
    "- - -",
    "{a: [b: c]}",
    "\t",
    "<<: *x",
    "!!binary AAAA",
]


@st.composite
def mutated_yaml(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(BUNDLED_TEXTS)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "swap", "truncate", "bytes", "indent", "value"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        elif op == "bytes":
            junk = draw(st.text(max_size=8))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t"])) + lines[i].lstrip()
        else:
            head, sep, _ = lines[i].partition(": ")
            if sep:
                lines[i] = head + sep + draw(st.sampled_from(SCALARS))
    return "\n".join(lines)


def _only_samhandling_errors(text: str) -> None:
    try:
        s = samhandling.loads(text, filename="mutert.yaml")
    except SamhandlingError as exc:
        assert exc.code and exc.message
        assert "\n" not in exc.message.strip() or exc.code == "yaml-syntax"
        return
    try:
        s.validate()
    except SamhandlingError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_yaml())
def test_mutated_bundled_files_raise_only_samhandling_errors(text: str) -> None:
    _only_samhandling_errors(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_raises_only_samhandling_errors(text: str) -> None:
    _only_samhandling_errors(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_from_a_file_raise_only_samhandling_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "random.yaml"
    path.write_bytes(data)
    try:
        samhandling.load(path)
    except SamhandlingError:
        pass


@pytest.mark.parametrize(
    "text",
    [
        "structure: x\nbodies:\n  - &a {id: a, name: A, kind: council, attributes: {self: *a}}\n",
        "structure: x\nbodies: &l [*l]\n",
        "structure: x\nsettings: {a: {value: 1, alternatives: yes}}\nbodies: []\n",
        "structure: x\nbodies:\n  - {id: a, name: A, kind: [council]}\n",
        "structure: x\nbodies:\n  - {id: a, name: A, kind: council, seats: [{side: user, min: 3, max: 1}]}\n",
        "structure: x\nbodies:\n  - {id: a, name: A, kind: council, members: [{party: p, count: -1}]}\n",
        "structure: x\nbodies:\n  - {id: a, name: A, kind: council}\n  - [1, 2]\n",
        "structure: x\n? [a, b]\n: c\nbodies: []\n",
        "structure: x\nrules:\n  - {id: R, category: c, modality: skal, source: S, text: t, check: [1]}\nbodies: []\n",
    ],
)
def test_known_nasty_inputs(text: str) -> None:
    _only_samhandling_errors(text)
