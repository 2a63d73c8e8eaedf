"""The XSS payload corpus of tests/data/xss (sources and licences in SOURCES.md).

Two files, because they are under different licences: `payloads.txt` (MIT and
Apache-2.0 test suites, and sheetmap's own) and `payloads-owasp.txt` (the OWASP
cheat sheet, CC BY-SA 3.0). Every test reads both.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "xss"
FILES = ("payloads.txt", "payloads-owasp.txt")


@cache
def payloads() -> tuple[str, ...]:
    """Every payload of both files, in file order; split on '\\n' only (some hold tabs and C0 controls)."""
    found: list[str] = []
    for name in FILES:
        text = (DATA / name).read_text(encoding="utf-8")
        found += [line for line in text.split("\n") if line]
    return tuple(found)
