"""Reference data shipped with the product (built by tools/build_*.py from ../shared/data)."""

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
