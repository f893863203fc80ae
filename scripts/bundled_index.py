"""Write src/samhandling/data/structures/index.json (the summary ``samhandling list`` reads).

python scripts/bundled_index.py          # rewrite the index after changing a bundled structure
python scripts/bundled_index.py --check  # exit 1 when the index is not current
"""

from __future__ import annotations

import json
import sys

from samhandling.structure.loader import INDEX_FILE, bundled_index, write_bundled_index


def main(argv: list[str]) -> int:
    if "--check" in argv:
        current = json.loads(INDEX_FILE.read_text(encoding="utf-8")) if INDEX_FILE.exists() else None
        if current != bundled_index():
            print(f"{INDEX_FILE} er ikke oppdatert; kjør: python scripts/bundled_index.py", file=sys.stderr)
            return 1
        print(f"{INDEX_FILE}: oppdatert")
        return 0
    print(f"skrev {write_bundled_index()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
