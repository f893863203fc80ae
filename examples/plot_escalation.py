"""Draw the escalation path from a service-model group in Sør-Rogaland to a PNG.

Usage: python examples/plot_escalation.py [OUTPUT.png]   (default: escalation.png)
"""

from __future__ import annotations

import sys

from samhandling import load
from samhandling.render.plotting import plot_structure


def main(argv: list[str]) -> int:
    out = argv[1] if len(argv) > 1 else "escalation.png"
    structure = load("sor-rogaland")
    tmg = structure.body("TMG barn og unge")
    route = structure.escalation_path(tmg)
    print(f"Eskaleringsvei: {route.describe(structure)}")
    print(f"skrev {plot_structure(structure, out, highlight_from=tmg.id)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
