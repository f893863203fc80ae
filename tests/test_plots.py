"""Pictures: every bundled structure and a half-way case render, readable and without overlaps."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import samhandling
from samhandling import MissingExtraError, UsageError, load
from samhandling.process.loader import get_process
from samhandling.render.diagrams import structure_model
from samhandling.render.plotting import draw_model, plot_process, plot_structure

SOR_AGREED = {
    p.id: "for" for p in samhandling.load("sor-rogaland").parties if p.kind.value in ("municipality", "health_trust")
}  # SSU decides every matter by consensus (issue 12 item 9)


BUNDLED = ["sor-rogaland", "sogn-og-fjordane", "ahus-forvaltningsnettverk", "faggruppe-sogn", "knutepunkt-sorlandet"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[1]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _overlaps(a: Any, b: Any, pad: float = 0.0) -> bool:
    return not (a.x1 + pad <= b.x0 or b.x1 + pad <= a.x0 or a.y1 + pad <= b.y0 or b.y1 + pad <= a.y0)


@pytest.mark.parametrize("name", BUNDLED)
def test_every_structure_renders_png_and_svg(name: str, tmp_path: Path) -> None:
    s = load(name)
    start = next((b.id for b in s.bodies if s.escalation_path(b)), None)
    png = plot_structure(s, tmp_path / f"{name}.png", highlight_from=start)
    w, h = _png_size(png)
    assert 500 < w < 3000 and 400 < h < 3000
    svg = plot_structure(s, tmp_path / f"{name}.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for body in s.bodies:  # text stays text (fonttype none): every body's first word is searchable
        assert body.name.split()[0] in svg


@pytest.mark.parametrize("name", BUNDLED)
def test_boxes_and_texts_do_not_overlap(name: str) -> None:
    s = load(name)
    fig = draw_model(structure_model(s, highlight_from=s.bodies[-1].id))
    try:
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        boxes = [p.get_window_extent(renderer) for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
        assert len(boxes) == len(s.bodies)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not _overlaps(a, b), "two bodies overlap"
        texts = [t for t in ax.texts if t.get_text()]
        fig_box = fig.bbox
        for t in texts:
            ext = t.get_window_extent(renderer)
            assert fig_box.x0 <= ext.x0 and ext.x1 <= fig_box.x1 + 1, f"text runs off the picture: {t.get_text()!r}"
        # each body's text sits inside its own box
        inside = 0
        for t in texts:
            ext = t.get_window_extent(renderer)
            if any(b.x0 <= ext.x0 and ext.x1 <= b.x1 and b.y0 <= ext.y0 and ext.y1 <= b.y1 for b in boxes):
                inside += 1
        assert inside >= len(s.bodies)
        legend = ax.get_legend().get_window_extent(renderer)
        assert not any(_overlaps(legend, b) for b in boxes)
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "rapporterer til" in labels or "løfter saker til" in labels
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_escalation_route_is_named_in_the_picture(tmp_path: Path) -> None:
    s = load("sor-rogaland")
    svg = plot_structure(s, tmp_path / "r.svg", highlight_from="tmg-barn-unge").read_text(encoding="utf-8")
    assert "Eskaleringsvei: Tjenestemodellgruppe barn og unge → FSU → SSU" in svg
    assert "eskaleringsvei" in svg  # legend entry
    assert "Stavanger" in svg and "Kvitsøy" in svg  # municipalities listed under Kommunestyrene


def test_half_way_case_renders(tmp_path: Path) -> None:
    s = load("sor-rogaland")
    d = get_process(s, "tjenestemodell")
    c = d.new_case(title="Nytt forløp for barn og unge", on=dt.date(2024, 1, 10))
    c.act("draft_mandate", by="tmg-barn-unge", on=dt.date(2024, 1, 11))
    c.act("approve_mandate", by="fsu", on=dt.date(2024, 2, 1))
    c.act("approve_mandate", by="ssu", on=dt.date(2024, 3, 1), positions=SOR_AGREED)
    png = plot_process(d, tmp_path / "sak.png", case=c, structure=s)
    w, h = _png_size(png)
    assert h > w  # the main path runs top to bottom
    svg = plot_process(d, tmp_path / "sak.svg", case=c, structure=s).read_text(encoding="utf-8")
    assert "nå: Mandat godkjent" in svg
    assert "nåværende tilstand" in svg and "gjenstår" in svg and "utført" in svg
    assert "Fra alle tilstander: trekke saken" in svg


def test_bad_output_is_refused_before_drawing(tmp_path: Path) -> None:
    s = load("sor-rogaland")
    with pytest.raises(UsageError):
        plot_structure(s, tmp_path / "bilde.gif")
    with pytest.raises(UsageError):
        plot_structure(s, tmp_path / "finnes-ikke" / "bilde.png")
    assert list(tmp_path.iterdir()) == []


def test_missing_matplotlib_is_a_missing_extra_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError) as exc:
        plot_structure(load("sor-rogaland"), tmp_path / "x.png")
    assert exc.value.details == {"module": "matplotlib", "extra": "plot"}
    assert "samhandling[plot]" in exc.value.message


def test_import_samhandling_stays_light() -> None:
    code = (
        "import sys, samhandling, samhandling.structure.paths, samhandling.render.diagrams, samhandling.render.plotting; "
        "print(sorted(m for m in ('matplotlib', 'pydot') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_example_draws_the_escalation_path(tmp_path: Path) -> None:
    out = tmp_path / "eskalering.png"
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "plot_escalation.py"), str(out)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "Tjenestemodellgruppe barn og unge → FSU → SSU" in run.stdout
    _png_size(out)
