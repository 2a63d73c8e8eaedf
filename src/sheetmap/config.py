"""`sheetmap.yml` -> typed settings, every problem reported at once.

Every setting has a default, so no config file is needed at all. A bad
config is reported like a bad workbook: each wrong key or value with its
line, then one `ConfigError`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sheetmap.errors import ConfigError
from sheetmap.report import DEFAULT_SEVERITY
from sheetmap.schema import DEFAULT_SYNONYMS, SHEETS_BY_NAME, VISIBILITIES

CONFIG_NAMES = ("sheetmap.yml", "sheetmap.yaml")
AUDIENCES = ("public", "internal")
RULE_LEVELS = ("error", "warning", "notice", "off")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


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
    """Read and check a config file (or return the defaults for None)."""
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: this is not valid YAML ({problem}).") from None
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping of settings (key: value).")
    return _Checker(path, node).build(data)


class _Checker:
    """Turns the YAML mapping into a Config, collecting `path:line: message` errors."""

    def __init__(self, path: Path, node: Any) -> None:
        self.path = path
        self.base = path.parent
        self.lines: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                self.lines[str(key_node.value)] = value_node.start_mark.line + 1
        self.errors: list[str] = []

    def error(self, key: str, message: str) -> None:
        line = self.lines.get(key.split(".")[0])
        self.errors.append(f"{self.path}:{line}: {key}: {message}" if line else f"{self.path}: {key}: {message}")

    def text(self, data: dict[str, Any], key: str, default: str) -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(key, f"expected text, got {type(value).__name__}")
            return default
        return str(value)

    def choice(self, data: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(data, key, default)
        for c in choices:
            if c.casefold() == value.strip().casefold():
                return c
        self.error(key, f"'{value}' is not one of {', '.join(choices)}")
        return default

    def file(self, data: dict[str, Any], key: str) -> Path | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        p = (self.base / str(value)).resolve()
        if not p.exists():
            self.error(key, f"{value} does not exist (paths are relative to {self.path.name})")
        return p

    def build(self, data: dict[str, Any]) -> Config:
        for key in data:
            if key not in KNOWN_KEYS:
                near = difflib.get_close_matches(str(key), list(KNOWN_KEYS), n=1)
                hint = f" Did you mean '{near[0]}'?" if near else ""
                self.error(str(key), f"is not a sheetmap setting.{hint}")
        brand = self.text(data, "brand_color", Config.brand_color)
        if not _COLOR.match(brand):
            self.error("brand_color", f"'{brand}' is not a colour like #2f5bd3")
            brand = Config.brand_color
        config = Config(
            title=self.text(data, "title", Config.title),
            description=self.text(data, "description", ""),
            logo=self.file(data, "logo"),
            favicon=self.file(data, "favicon"),
            brand_color=brand.lower(),
            base_url=self.text(data, "base_url", "").rstrip("/"),
            sources=self._sources(data),
            default_visibility=self.choice(data, "default_visibility", VISIBILITIES, "Internal"),
            default_audience=self.choice(data, "default_audience", AUDIENCES, "public"),
            sheet_aliases=self._sheet_aliases(data),
            column_aliases=self._column_aliases(data),
            synonyms=self._synonyms(data),
            rules=self._rules(data),
            date_format=self.text(data, "date_format", "") or None,
            outputs=self._outputs(data),
            templates=self.file(data, "templates"),
            horizon_labels=self._horizon_labels(data),
            footer_links=self._links(data),
            snapshot=(self.base / str(data["snapshot"])).resolve() if data.get("snapshot") else None,
            path=self.path,
        )
        if self.errors:
            raise ConfigError("\n".join(self.errors))
        return config

    def _sources(self, data: dict[str, Any]) -> tuple[str, ...]:
        value = data.get("sources") or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error("sources", "expected a list of paths or URLs")
            return ()
        return tuple(v if "://" in v or _looks_like_key(v) else str(self.base / v) for v in value)

    def _mapping(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            self.error(key, "expected a mapping (name: value)")
            return {}
        return value

    def _sheet_name(self, key: str, name: str) -> str | None:
        for canonical in SHEETS_BY_NAME:
            if canonical.casefold() == str(name).strip().casefold():
                return canonical
        near = difflib.get_close_matches(str(name), list(SHEETS_BY_NAME), n=1)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        self.error(key, f"'{name}' is not a sheet sheetmap reads.{hint}")
        return None

    def _sheet_aliases(self, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        aliases = self._mapping(data, "aliases")
        result: dict[str, tuple[str, ...]] = {}
        for name, value in (aliases.get("sheets") or {}).items():
            sheet = self._sheet_name("aliases.sheets", name)
            if sheet:
                result[sheet] = tuple(str(v) for v in _as_list(value))
        return result

    def _column_aliases(self, data: dict[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
        aliases = self._mapping(data, "aliases")
        result: dict[str, dict[str, tuple[str, ...]]] = {}
        for name, columns in aliases.items():
            if name == "sheets":
                continue
            sheet = self._sheet_name("aliases", name)
            if not sheet:
                continue
            if not isinstance(columns, dict):
                self.error(f"aliases.{name}", "expected column: [aliases]")
                continue
            known = {c.name.casefold(): c.name for c in SHEETS_BY_NAME[sheet].columns}
            for col, value in columns.items():
                canonical = known.get(str(col).strip().casefold())
                if canonical is None:
                    self.error(f"aliases.{name}", f"'{col}' is not a column of {sheet}")
                    continue
                result.setdefault(sheet, {})[canonical] = tuple(str(v) for v in _as_list(value))
        return result

    def _synonyms(self, data: dict[str, Any]) -> dict[str, dict[str, str]]:
        merged = {k: dict(v) for k, v in DEFAULT_SYNONYMS.items()}
        for set_name, words in self._mapping(data, "synonyms").items():
            key = str(set_name).strip().casefold()
            if key not in merged:
                self.error("synonyms", f"'{set_name}' is not one of {', '.join(sorted(merged))}")
                continue
            if not isinstance(words, dict):
                self.error(f"synonyms.{set_name}", "expected word: value")
                continue
            for word, value in words.items():
                merged[key][" ".join(str(word).split()).casefold()] = str(value)
        return merged

    def _rules(self, data: dict[str, Any]) -> dict[str, str]:
        result = {}
        for code, level in self._mapping(data, "rules").items():
            if code not in DEFAULT_SEVERITY:
                near = difflib.get_close_matches(str(code), list(DEFAULT_SEVERITY), n=1)
                hint = f" Did you mean '{near[0]}'?" if near else ""
                self.error("rules", f"'{code}' is not a problem code.{hint}")
                continue
            text = "off" if level is False else str(level).strip().lower()
            if text not in RULE_LEVELS:
                self.error("rules", f"{code}: '{level}' is not one of {', '.join(RULE_LEVELS)}")
                continue
            result[str(code)] = text
        return result

    def _outputs(self, data: dict[str, Any]) -> dict[str, Path]:
        result = {}
        for audience, value in self._mapping(data, "audiences").items():
            if audience not in AUDIENCES:
                self.error("audiences", f"'{audience}' is not one of {', '.join(AUDIENCES)}")
                continue
            out = value.get("out") if isinstance(value, dict) else value
            if not isinstance(out, str) or not out:
                self.error("audiences", f"{audience}: expected `out: FOLDER`")
                continue
            result[audience] = (self.base / out).resolve()
        return result

    def _horizon_labels(self, data: dict[str, Any]) -> dict[str, str]:
        result = {}
        for horizon, label in self._mapping(data, "horizon_labels").items():
            if horizon not in ("Now", "Next", "Later", "Done"):
                self.error("horizon_labels", f"'{horizon}' is not one of Now, Next, Later, Done")
                continue
            result[horizon] = str(label)
        return result

    def _links(self, data: dict[str, Any]) -> tuple[Link, ...]:
        value = data.get("footer_links") or []
        links = []
        if not isinstance(value, list):
            self.error("footer_links", "expected a list of {title, url}")
            return ()
        for item in value:
            if not isinstance(item, dict) or "url" not in item:
                self.error("footer_links", "each link needs a title and a url")
                continue
            url = str(item["url"])
            if not re.match(r"^(https?://|mailto:|/|\.|#)", url):
                self.error("footer_links", f"'{url}' must be an http(s) or mailto link")
                continue
            links.append(Link(str(item.get("title") or url), url))
        return tuple(links)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _looks_like_key(value: str) -> bool:
    """A bare Google Sheets key (44 URL-safe characters) rather than a path."""
    return bool(re.fullmatch(r"[A-Za-z0-9_-]{30,}", value)) and not Path(value).exists()
