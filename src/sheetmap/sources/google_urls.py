"""Google Sheets addresses: recognise one, take its key, show it without secrets, link to a cell.

Kept apart from `gsheets` (the reader) so that telling a Google Sheet from a
file, which every command does for every source, imports no Google client:
`sheetmap validate roadmap.xlsx` never needs google-auth or gspread.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sheetmap.errors import SourceError

# /spreadsheets/d/KEY, or /spreadsheets/u/1/d/KEY when signed in to several accounts.
_URL_KEY = re.compile(r"^/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
# Keys are 44 characters today; 40 keeps ordinary file and folder names out.
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]{40,}")
# Query parameters that may carry a secret (access_token, resourcekey, sig, ...).
_SECRET_PARAM = re.compile(r"token|key|secret|pass|auth|sig|credential", re.IGNORECASE)


def is_google_source(spec: str) -> bool:
    """True for a Google Sheets URL, or a spreadsheet key that is no existing path."""
    text = spec.strip()
    if re.match(r"https?://", text, re.IGNORECASE):
        parts = urlsplit(text)
        return parts.hostname == "docs.google.com" and parts.path.startswith("/spreadsheets")
    return bool(_BARE_KEY.fullmatch(text)) and not os.path.exists(text)


def spreadsheet_key(spec: str) -> str:
    """The spreadsheet key in a Google Sheets URL, or the bare key itself."""
    text = spec.strip()
    if _BARE_KEY.fullmatch(text):
        return text
    parts = urlsplit(text)
    if parts.scheme.lower() in ("http", "https") and parts.hostname == "docs.google.com":
        if parts.path.startswith("/spreadsheets/d/e/"):
            # "File > Share > Publish to web" links hold a publishing id, not a key.
            raise SourceError(
                f"{display_source(text)} is a 'Publish to the web' link, which the "
                "Sheets API cannot read. Use the address shown in the browser while "
                "editing the spreadsheet (https://docs.google.com/spreadsheets/d/…/edit)."
            )
        match = _URL_KEY.match(parts.path)
        if match:
            return match.group(1)
        old_key = dict(parse_qsl(parts.query)).get("key", "")  # pre-2014 ?key=… links
        if re.fullmatch(r"[A-Za-z0-9_-]{20,}", old_key):
            return old_key
    raise SourceError(
        f"{display_source(text)!r} is not a Google Sheets address. Copy the "
        "spreadsheet's URL from the browser "
        "(https://docs.google.com/spreadsheets/d/…/edit) or give its key."
    )


def display_source(spec: str) -> str:
    """`spec` for reports: without user:password@ and secret-looking parameters."""
    text = spec.strip()
    if "://" not in text:
        return text
    parts = urlsplit(text)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _SECRET_PARAM.search(name)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), parts.fragment))


@dataclass(frozen=True)
class CellLink:
    """Turns an A1 cell of one tab into the link that opens it in the browser.

    A value, not a closure, so a snapshot can store the tab's `gid` and
    rebuild the same links offline.
    """

    key: str
    gid: int

    def __call__(self, cell: str) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.key}/edit#gid={self.gid}&range={cell}"
