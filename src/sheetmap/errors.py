"""Exceptions sheetmap raises for problems that stop it before any validation.

    SheetmapError            base: a problem the user can fix; exit code 2
    ├── SourceError          a source cannot be read (missing file, not a
    │                        workbook, password-protected, network, credentials)
    └── ConfigError          sheetmap.yml is unusable

Problems *inside* a spreadsheet are not exceptions: they are collected as
`report.Problem`s so that every one of them is shown at once.
"""

from __future__ import annotations


class SheetmapError(Exception):
    """A problem the user can fix; the message says what and how."""

    exit_code = 2


class SourceError(SheetmapError):
    """A source cannot be read at all."""


class ConfigError(SheetmapError):
    """The configuration is unusable."""
