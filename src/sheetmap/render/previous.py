"""Reading the previously published `roadmap.json`, which the change feed is computed against.

`sheetmap build --previous PATH_OR_URL` names it; by default it is the one
already in the output folder. CI usually builds in a fresh checkout, where
the output folder is empty, so it passes the published site's URL.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sheetmap.errors import SheetmapError
from sheetmap.render.changes import feed_basis

TIMEOUT = 30
#: The most read from a URL: a roadmap.json of 100,000 initiatives is about 160 MB, so a gigabyte is room for
#: six times that, and a URL that answers with more is not a roadmap.json. A path is read whole.
MAX_URL_BYTES = 1024**3


class NoPrevious(SheetmapError):
    """The URL answered 404: nothing was published yet, so the feed starts fresh."""


def read_previous(spec: str) -> dict[str, Any]:
    """What the change feed needs (`changes.feed_basis`) of the roadmap.json at a path or an http(s) URL.

    Raises `NoPrevious` when the URL answers 404 (the first publish), and
    `SheetmapError` when the file is missing, unreachable or not a
    sheetmap roadmap.json.
    """
    if spec.startswith(("http://", "https://")):
        raw = _fetch(spec)
    else:
        path = Path(spec)
        if path.is_dir():
            path = path / "roadmap.json"
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise SheetmapError(
                f"--previous {spec}: no such file. Name the roadmap.json of the published site "
                "(a path or its URL), or leave --previous out to use the one in the output folder."
            ) from None
        except OSError as exc:
            raise SheetmapError(f"--previous {spec}: cannot read it ({exc}).") from None
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise SheetmapError(f"--previous {spec}: this is not UTF-8 text, so not a roadmap.json.") from None
    except ValueError as exc:
        raise SheetmapError(f"--previous {spec}: this is not JSON ({exc}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("initiatives"), list):
        raise SheetmapError(f"--previous {spec}: this is not a sheetmap roadmap.json (it has no list of initiatives).")
    return feed_basis(data)


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "sheetmap"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > MAX_URL_BYTES:
                raise _too_large(url)  # before downloading any of it
            body = bytes(response.read(MAX_URL_BYTES + 1))
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            raise NoPrevious(f"No roadmap.json at {url} yet (HTTP {exc.code}); the change feed starts fresh.") from None
        raise SheetmapError(f"--previous {url}: the server answered HTTP {exc.code} {exc.reason}.") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SheetmapError(
            f"--previous {url}: cannot reach it ({reason}). Check the URL and the network, or leave --previous out."
        ) from None
    if len(body) > MAX_URL_BYTES:
        raise _too_large(url)
    return body


def _too_large(url: str) -> SheetmapError:
    return SheetmapError(
        f"--previous {url}: the answer is larger than {MAX_URL_BYTES // 1024**2:,} MB, more than a roadmap.json "
        "can be. Check the URL, or download the file and pass its path."
    )
