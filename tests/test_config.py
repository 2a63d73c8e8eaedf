"""sheetmap.yml: every bad key or value reported at once, each with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_sheetmap, write_workbook
from sheetmap.config import Config, load_config
from sheetmap.errors import ConfigError

BAD = """\
title: [a, b]
brand_colour: "#123456"
brand_color: blue
default_visibility: Publik
base_url: example.com
date_format: "%d.%m"
rules:
  tactical-card: of
  now-needs-detail: error
  done-without-dat: warning
  unsafe-content: off
  sprint-dates: on
synonyms:
  horizon:
    this quarter: Nwo
    next quarter: next
  horizn: {}
aliases:
  Initiatives:
    Horizn: [Phase]
  Roadmapp: {}
audiences:
  public:
    out: site
    outt: x
  staff: {out: x}
horizon_labels:
  now: Doing now
  Soon: x
footer_links:
  - title: Blog
    url: javascript:alert(1)
  - title: x
"""


def _errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "sheetmap.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value).splitlines()


def test_every_bad_key_and_value_is_reported_at_once_with_its_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = _errors(tmp_path, BAD)
    assert lines[0] == "sheetmap.yml has 18 problems; nothing was built:"
    assert lines[1:] == [
        "  sheetmap.yml:1: title: expected text, got a list. Write it on one line after 'title:'.",
        "  sheetmap.yml:2: brand_colour: is not a sheetmap setting. Did you mean 'brand_color'?",
        "  sheetmap.yml:3: brand_color: 'blue' is not a colour like \"#2f5bd3\" ('#' and six hex digits, in quotes).",
        "  sheetmap.yml:4: default_visibility: 'Publik' is not one of Public, Internal. Did you mean 'Public'?",
        "  sheetmap.yml:5: base_url: 'example.com' is not a web address like https://example.github.io/roadmap/.",
        "  sheetmap.yml:6: date_format: '%d.%m' cannot read a whole date; use day, month and year codes such as "
        "'%d.%m.%Y' (31.03.2026) or '%m/%d/%Y' (03/31/2026), in quotes.",
        "  sheetmap.yml:8: rules.tactical-card: 'of' is not one of error, warning, notice, off. Did you mean 'off'?",
        "  sheetmap.yml:10: rules.done-without-dat: 'done-without-dat' is not a problem code. "
        "Did you mean 'done-without-date'?",
        "  sheetmap.yml:12: rules.sprint-dates: 'on' is not one of error, warning, notice, off.",
        "  sheetmap.yml:15: synonyms.horizon.this quarter: 'Nwo' is not one of Now, Next, Later, Done. "
        "Did you mean 'Now'?",
        "  sheetmap.yml:17: synonyms.horizn: 'horizn' is not one of horizon, visibility, stage, status, effort, "
        "value. Did you mean 'horizon'?",
        "  sheetmap.yml:20: aliases.Initiatives.Horizn: 'Horizn' is not a column of Initiatives. "
        "Did you mean 'Horizon'?",
        "  sheetmap.yml:21: aliases.Roadmapp: 'Roadmapp' is not a sheet sheetmap reads (Initiatives, Ideas, "
        "Objectives, Themes, Feedback, Sprints, Tasks). Did you mean 'Initiatives'?",
        "  sheetmap.yml:25: audiences.public.outt: 'outt' is not an audience setting; the only one is out.",
        "  sheetmap.yml:26: audiences.staff: 'staff' is not one of public, internal.",
        "  sheetmap.yml:29: horizon_labels.Soon: 'Soon' is not one of Now, Next, Later, Done.",
        "  sheetmap.yml:32: footer_links.0.url: 'javascript:alert(1)' must be an http(s) or mailto link.",
        "  sheetmap.yml:33: footer_links.1: each link needs a url (and a title), e.g. "
        "`- {title: Blog, url: https://…}`.",
    ]


def test_a_good_config_gives_typed_settings(tmp_path: Path) -> None:
    path = tmp_path / "sheetmap.yml"
    path.write_text(
        """\
title: Payments roadmap
brand_color: "#AA3366"
base_url: https://example.github.io/roadmap/
sources: [plans/roadmap.xlsx, https://docs.google.com/spreadsheets/d/abc/edit]
default_visibility: public
rules:
  tactical-card: off
  now-needs-detail: ERROR
synonyms:
  horizon:
    This  Quarter: now
aliases:
  sheets:
    Roadmap: [Our plan]
  Roadmap:
    Horizon: When
date_format: "%d.%m.%Y"
audiences:
  internal: {out: team-site}
horizon_labels:
  now: Doing now
footer_links:
  - {title: Blog, url: "https://example.com/blog"}
""",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.title == "Payments roadmap"
    assert config.brand_color == "#aa3366"
    assert config.base_url == "https://example.github.io/roadmap"
    assert config.sources == (str(tmp_path / "plans/roadmap.xlsx"), "https://docs.google.com/spreadsheets/d/abc/edit")
    assert config.default_visibility == "Public"
    assert config.rules == {"tactical-card": "off", "now-needs-detail": "error"}
    assert config.synonyms["horizon"]["this quarter"] == "Now"
    assert config.synonyms["horizon"]["shipped"] == "Done"  # the built-in ones stay
    assert config.sheet_aliases == {"Initiatives": ("Our plan",)}
    assert config.column_aliases == {"Initiatives": {"Horizon": ("When",)}}
    assert config.date_format == "%d.%m.%Y"
    assert config.out_for("internal") == (tmp_path / "team-site").resolve()
    assert config.out_for("public") == Path("site")
    assert config.horizon_label("Now") == "Doing now"
    assert [(link.title, link.url) for link in config.footer_links] == [("Blog", "https://example.com/blog")]


def test_an_empty_file_means_every_default(tmp_path: Path) -> None:
    path = tmp_path / "sheetmap.yml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_config(path) == Config(path=path)


def test_an_unquoted_colour_is_not_silently_dropped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _errors(tmp_path, "title: Roadmap\nbrand_color: #2f5bd3\n")[1:] == [
        "  sheetmap.yml:2: brand_color: is empty: YAML reads everything after ' #' as a comment. "
        "Put the value in quotes."
    ]


def test_broken_yaml_names_its_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = _errors(tmp_path, "title: Roadmap\nrules:\n  tactical-card: off\n   now-needs-detail: error\n")
    assert lines[0].startswith("sheetmap.yml:4: this is not valid YAML")


def test_a_list_instead_of_settings(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _errors(tmp_path, "- title\n- rules\n")[0].startswith("sheetmap.yml:1: the config must be")


def test_cli_reports_config_problems_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    write_workbook(tmp_path / "roadmap.xlsx", {"Initiatives": [["ID", "Title", "Horizon"], ["I-1", "Slow", "Next"]]})
    (tmp_path / "sheetmap.yml").write_text("sources: [roadmap.xlsx]\nrules:\n  tactical-crad: off\ntitel: x\n")
    result = run_sheetmap("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "Error: sheetmap.yml has 2 problems; nothing was built:",
        "  sheetmap.yml:3: rules.tactical-crad: 'tactical-crad' is not a problem code. Did you mean 'tactical-card'?",
        "  sheetmap.yml:4: titel: is not a sheetmap setting. Did you mean 'title'?",
    ]
