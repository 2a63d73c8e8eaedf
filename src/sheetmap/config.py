"""`sheetmap.yml` -> typed settings, every problem reported at once.

Every setting has a default, so no config file is needed at all. A bad
config is reported like a bad workbook: each wrong key or value with its
line, then one `ConfigError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sheetmap.errors import ConfigError
from sheetmap.report import DEFAULT_SEVERITY
from sheetmap.schema import (
    DEFAULT_SYNONYMS,
    EFFORTS,
    HORIZONS,
    SHEETS_BY_NAME,
    STAGES,
    STATUSES,
    VALUES,
    VISIBILITIES,
    fold,
)
from sheetmap.values import suggest

CONFIG_NAMES = ("sheetmap.yml", "sheetmap.yaml")
AUDIENCES = ("public", "internal")
RULE_LEVELS = ("error", "warning", "notice", "off")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: The fixed-choice columns whose words `synonyms:` may extend.
CHOICE_SETS: dict[str, tuple[str, ...]] = {
    "horizon": HORIZONS,
    "visibility": VISIBILITIES,
    "stage": STAGES,
    "status": STATUSES,
    "effort": EFFORTS,
    "value": VALUES,
}


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Config:
    """Everything a team sets once. Paths are absolute (resolved against the config's folder)."""

    title: str = "Roadmap"
    description: str = ""
    logo: Path | None = None
    favicon: Path | None = None
    brand_color: str = "#2f5bd3"
    base_url: str = ""
    sources: tuple[str, ...] = ()
    default_visibility: str = "Internal"
    default_audience: str = "public"
    #: canonical sheet -> extra sheet-name aliases
    sheet_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: canonical sheet -> canonical column -> extra header aliases
    column_aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    #: choice set ("horizon", "status", …) -> folded synonym -> canonical value
    synonyms: dict[str, dict[str, str]] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_SYNONYMS.items()}
    )
    rules: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    outputs: dict[str, Path] = field(default_factory=dict)
    templates: Path | None = None
    horizon_labels: dict[str, str] = field(default_factory=dict)
    footer_links: tuple[Link, ...] = ()
    snapshot: Path | None = None
    path: Path | None = None

    def out_for(self, audience: str) -> Path:
        """The output folder for an audience: the config's, else `site/`."""
        return self.outputs.get(audience, Path("site"))

    def horizon_label(self, horizon: str) -> str:
        return self.horizon_labels.get(horizon, horizon)


KNOWN_KEYS = {
    "title": "the site's title",
    "description": "a sentence under the title",
    "logo": "path to a logo image",
    "favicon": "path to a favicon",
    "brand_color": "#rrggbb",
    "base_url": "the published URL, for feeds and sitemaps",
    "sources": "workbooks, CSV folders or Google Sheets",
    "default_visibility": "Public or Internal",
    "default_audience": "public or internal",
    "aliases": "extra sheet and column names",
    "synonyms": "extra words for fixed values",
    "rules": "severity per problem code",
    "date_format": "a strftime pattern such as %d.%m.%Y",
    "audiences": "output folder per audience",
    "templates": "folder of template overrides",
    "horizon_labels": "labels for Now, Next, Later, Done",
    "footer_links": "links in the footer",
    "snapshot": "folder for the last good Google Sheets fetch",
}


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The config to use: `--config`, else `sheetmap.yml` in the current folder."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"Config file {explicit} does not exist.")
        return explicit
    here = cwd or Path.cwd()
    for name in CONFIG_NAMES:
        if (here / name).is_file():
            return here / name
    return None


def load_config(path: Path | None) -> Config:
    """Read and check a config file (or return the defaults for None).

    Raises ConfigError listing every problem, each with its line.
    """
    if path is None:
        return Config()
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {shown}: {exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"{where}: this is not valid YAML ({problem}). Check the indentation and that every "
            "'key: value' has a space after the colon; quote values that contain ': ' or start with '#'."
        ) from None
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}:1: the config must be a list of settings, one `key: value` per line.")
    return _Checker(path, node, text).build(data)


def _shown(path: Path) -> str:
    """The config's path as the user would write it (relative to the current folder when inside it)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _line_map(node: Any, prefix: str = "") -> dict[str, int]:
    """Dotted key path ('rules.tactical-card', 'footer_links.0.url') -> 1-based line in the file."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines[path] = key_node.start_mark.line + 1
            lines.update(_line_map(value_node, path))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}.{index}"
            lines[path] = item.start_mark.line + 1
            lines.update(_line_map(item, path))
    return lines


def _hint(value: object, choices: Iterable[str], cutoff: float = 0.6) -> str:
    near = suggest(str(value), list(choices), cutoff=cutoff)
    return f" Did you mean '{near}'?" if near else ""


class _Checker:
    """Turns the YAML mapping into a Config, collecting `file:line: key: message` errors."""

    def __init__(self, path: Path, node: Any, text: str = "") -> None:
        self.path = path
        self.shown = _shown(path)
        self.base = path.parent
        self.lines = _line_map(node)
        self.text_lines = text.splitlines()
        self.errors: list[tuple[int, str]] = []

    def error(self, key: str, message: str) -> None:
        """Record a problem at `key` (a dotted path), on the line of the closest key the file has."""
        path = key
        while path and path not in self.lines:
            path = path.rpartition(".")[0]
        line = self.lines.get(path, 0)
        where = f"{self.shown}:{line}" if line else self.shown
        self.errors.append((line, f"{where}: {key}: {message}"))

    def text(self, data: dict[str, Any], key: str, default: str) -> str:
        value = data.get(key, default)
        if value is None:
            line = self.lines.get(key, 0)
            if 0 < line <= len(self.text_lines) and re.search(r":\s+#", self.text_lines[line - 1]):
                # `brand_color: #2f5bd3` is an empty value followed by a YAML comment
                self.error(key, "is empty: YAML reads everything after ' #' as a comment. Put the value in quotes.")
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(key, f"expected text, got {_kind(value)}. Write it on one line after '{key}:'.")
            return default
        return str(value)

    def choice(self, data: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(data, key, default)
        for c in choices:
            if c.casefold() == value.strip().casefold():
                return c
        self.error(key, f"'{value}' is not one of {', '.join(choices)}.{_hint(value, choices)}")
        return default

    def file(self, data: dict[str, Any], key: str) -> Path | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.error(key, f"expected a path, got {_kind(value)}.")
            return None
        p = (self.base / value).resolve()
        if not p.exists():
            self.error(key, f"{value} does not exist (paths are relative to the folder of {self.path.name}).")
        return p

    def mapping(self, value: Any, key: str, expected: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(key, f"expected {expected}, got {_kind(value)}.")
            return {}
        return value

    def build(self, data: dict[str, Any]) -> Config:
        for key in data:
            if key not in KNOWN_KEYS:
                self.error(str(key), f"is not a sheetmap setting.{_hint(key, KNOWN_KEYS)}")
        config = Config(
            title=self.text(data, "title", Config.title),
            description=self.text(data, "description", ""),
            logo=self.file(data, "logo"),
            favicon=self.file(data, "favicon"),
            brand_color=self._color(data),
            base_url=self._base_url(data),
            sources=self._sources(data),
            default_visibility=self.choice(data, "default_visibility", VISIBILITIES, "Internal"),
            default_audience=self.choice(data, "default_audience", AUDIENCES, "public"),
            sheet_aliases=self._sheet_aliases(data),
            column_aliases=self._column_aliases(data),
            synonyms=self._synonyms(data),
            rules=self._rules(data),
            date_format=self._date_format(data),
            outputs=self._outputs(data),
            templates=self.file(data, "templates"),
            horizon_labels=self._horizon_labels(data),
            footer_links=self._links(data),
            snapshot=self._folder(data, "snapshot"),
            path=self.path,
        )
        if self.errors:
            count = len(self.errors)
            heading = f"{self.shown} has {count} problem{'s' if count != 1 else ''}; nothing was built:"
            raise ConfigError("\n".join([heading, *(f"  {message}" for _, message in sorted(self.errors))]))
        return config

    def _color(self, data: dict[str, Any]) -> str:
        brand = self.text(data, "brand_color", Config.brand_color).strip()
        if not _COLOR.match(brand):
            self.error(
                "brand_color", f"'{brand}' is not a colour like \"#2f5bd3\" ('#' and six hex digits, in quotes)."
            )
            return Config.brand_color
        return brand.lower()

    def _base_url(self, data: dict[str, Any]) -> str:
        url = self.text(data, "base_url", "").strip()
        if url and not re.match(r"^https?://[^\s/]+", url):
            self.error("base_url", f"'{url}' is not a web address like https://example.github.io/roadmap/.")
            return ""
        return url.rstrip("/")

    def _folder(self, data: dict[str, Any], key: str) -> Path | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.error(key, f"expected a folder, got {_kind(value)}.")
            return None
        return (self.base / value).resolve()

    def _sources(self, data: dict[str, Any]) -> tuple[str, ...]:
        value = data.get("sources")
        if value in (None, ""):
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error("sources", f"expected a list of workbooks, folders or Google Sheets URLs, got {_kind(value)}.")
            return ()
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"sources.{index}", f"expected a path or URL, got {_kind(item)}.")
                continue
            result.append(item if "://" in item or _looks_like_key(item) else str(self.base / item))
        return tuple(result)

    def _sheet_name(self, key: str, name: object) -> str | None:
        """The canonical sheet for a name in the config: its own name or a built-in alias ('Roadmap')."""
        names = {fold(a): sheet.name for sheet in SHEETS_BY_NAME.values() for a in (sheet.name, *sheet.aliases)}
        found = names.get(fold(str(name)))
        if found:
            return found
        near = suggest(str(name), list(SHEETS_BY_NAME), aliases=names)
        hint = f" Did you mean '{near}'?" if near else ""
        self.error(key, f"'{name}' is not a sheet sheetmap reads ({', '.join(SHEETS_BY_NAME)}).{hint}")
        return None

    def _names(self, value: Any, key: str) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value]
        if value is None or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in items):
            self.error(key, "expected a name or a list of names.")
            return ()
        return tuple(str(v) for v in items)

    def _sheet_aliases(self, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        aliases = self.mapping(data.get("aliases"), "aliases", "sheet: {column: [other names]}")
        sheets = self.mapping(aliases.get("sheets"), "aliases.sheets", "sheet: [other names]")
        result: dict[str, tuple[str, ...]] = {}
        for name, value in sheets.items():
            sheet = self._sheet_name(f"aliases.sheets.{name}", name)
            if sheet:
                result[sheet] = self._names(value, f"aliases.sheets.{name}")
        return result

    def _column_aliases(self, data: dict[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
        aliases = self.mapping(data.get("aliases"), "aliases", "sheet: {column: [other names]}")
        result: dict[str, dict[str, tuple[str, ...]]] = {}
        for name, columns in aliases.items():
            if name == "sheets":
                continue
            sheet = self._sheet_name(f"aliases.{name}", name)
            if not sheet:
                continue
            known = {c.name.casefold(): c.name for c in SHEETS_BY_NAME[sheet].columns}
            for col, value in self.mapping(columns, f"aliases.{name}", "column: [other names]").items():
                canonical = known.get(str(col).strip().casefold())
                if canonical is None:
                    self.error(
                        f"aliases.{name}.{col}",
                        f"'{col}' is not a column of {sheet}.{_hint(col, list(known.values()))}",
                    )
                    continue
                result.setdefault(sheet, {})[canonical] = self._names(value, f"aliases.{name}.{col}")
        return result

    def _synonyms(self, data: dict[str, Any]) -> dict[str, dict[str, str]]:
        merged = {k: dict(v) for k, v in DEFAULT_SYNONYMS.items()}
        for set_name, words in self.mapping(data.get("synonyms"), "synonyms", "column: {word: value}").items():
            key = str(set_name).strip().casefold()
            if key not in CHOICE_SETS:
                self.error(
                    f"synonyms.{set_name}",
                    f"'{set_name}' is not one of {', '.join(CHOICE_SETS)}.{_hint(set_name, CHOICE_SETS)}",
                )
                continue
            choices = CHOICE_SETS[key]
            for word, value in self.mapping(words, f"synonyms.{set_name}", "word: value").items():
                target = next((c for c in choices if c.casefold() == str(value).strip().casefold()), None)
                if target is None:
                    self.error(
                        f"synonyms.{set_name}.{word}",
                        f"'{value}' is not one of {', '.join(choices)}.{_hint(value, choices)}",
                    )
                    continue
                merged.setdefault(key, {})[" ".join(str(word).split()).casefold()] = target
        return merged

    def _rules(self, data: dict[str, Any]) -> dict[str, str]:
        result = {}
        for code, level in self.mapping(data.get("rules"), "rules", "problem-code: error|warning|notice|off").items():
            if code not in DEFAULT_SEVERITY:
                self.error(f"rules.{code}", f"'{code}' is not a problem code.{_hint(code, DEFAULT_SEVERITY)}")
                continue
            # YAML 1.1 reads a bare `off` as false
            text = "off" if level is False else str(level).strip().lower()
            if text not in RULE_LEVELS:
                shown = "on" if level is True else level
                self.error(
                    f"rules.{code}",
                    f"'{shown}' is not one of {', '.join(RULE_LEVELS)}.{_hint(text, RULE_LEVELS)}",
                )
                continue
            result[str(code)] = text
        return result

    def _date_format(self, data: dict[str, Any]) -> str | None:
        fmt = self.text(data, "date_format", "").strip()
        if not fmt:
            return None
        sample = dt.date(2026, 3, 31)
        try:
            readable = "%" in fmt and dt.datetime.strptime(sample.strftime(fmt), fmt).date() == sample
        except ValueError:
            readable = False
        if not readable:
            self.error(
                "date_format",
                f"'{fmt}' cannot read a whole date; use day, month and year codes such as '%d.%m.%Y' "
                "(31.03.2026) or '%m/%d/%Y' (03/31/2026), in quotes.",
            )
            return None
        return fmt

    def _outputs(self, data: dict[str, Any]) -> dict[str, Path]:
        result = {}
        for audience, value in self.mapping(data.get("audiences"), "audiences", "audience: {out: FOLDER}").items():
            key = f"audiences.{audience}"
            if audience not in AUDIENCES:
                self.error(key, f"'{audience}' is not one of {', '.join(AUDIENCES)}.{_hint(audience, AUDIENCES)}")
                continue
            if isinstance(value, dict):
                for extra in value:
                    if extra != "out":
                        self.error(f"{key}.{extra}", f"'{extra}' is not an audience setting; the only one is out.")
                out = value.get("out")
            else:
                out = value
            if not isinstance(out, str) or not out.strip():
                self.error(key, "expected `out: FOLDER`, e.g. `out: site`.")
                continue
            result[audience] = (self.base / out).resolve()
        return result

    def _horizon_labels(self, data: dict[str, Any]) -> dict[str, str]:
        result = {}
        for horizon, label in self.mapping(data.get("horizon_labels"), "horizon_labels", "horizon: label").items():
            canonical = next((h for h in HORIZONS if h.casefold() == str(horizon).strip().casefold()), None)
            if canonical is None:
                self.error(
                    f"horizon_labels.{horizon}",
                    f"'{horizon}' is not one of {', '.join(HORIZONS)}.{_hint(horizon, HORIZONS)}",
                )
                continue
            if not isinstance(label, (str, int, float)) or isinstance(label, bool) or not str(label).strip():
                self.error(f"horizon_labels.{horizon}", "expected a label, e.g. `Now: Doing now`.")
                continue
            result[canonical] = str(label)
        return result

    def _links(self, data: dict[str, Any]) -> tuple[Link, ...]:
        value = data.get("footer_links")
        if value in (None, ""):
            return ()
        if not isinstance(value, list):
            self.error("footer_links", "expected a list of links, each `- title: …` and `url: …`.")
            return ()
        links = []
        for index, item in enumerate(value):
            key = f"footer_links.{index}"
            if not isinstance(item, dict) or not item.get("url"):
                self.error(key, "each link needs a url (and a title), e.g. `- {title: Blog, url: https://…}`.")
                continue
            for extra in item:
                if extra not in ("title", "url"):
                    self.error(f"{key}.{extra}", f"'{extra}' is not a link setting; use title and url.")
            url = str(item["url"])
            if not re.match(r"^(https?://|mailto:|/|\.|#)", url):
                self.error(f"{key}.url", f"'{url}' must be an http(s) or mailto link.")
                continue
            links.append(Link(str(item.get("title") or url), url))
        return tuple(links)


def _kind(value: object) -> str:
    """A YAML value's kind in words, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    return f"'{value}'"


def _looks_like_key(value: str) -> bool:
    """A bare Google Sheets key (44 URL-safe characters) rather than a path."""
    return bool(re.fullmatch(r"[A-Za-z0-9_-]{30,}", value)) and not Path(value).exists()
