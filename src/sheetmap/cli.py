"""The `sheetmap` command. Only this module knows click and exit codes.

Exit codes: 0 success (warnings allowed unless --strict), 1 the spreadsheet
has errors, 2 usage, configuration, file, network or credential problems.
Heavy modules are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import atexit
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from sheetmap.config import Config

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def load_settings(config_path: Path | None) -> Config:
    from sheetmap.config import find_config, load_config
    from sheetmap.errors import SheetmapError

    try:
        return load_config(find_config(config_path))
    except SheetmapError as exc:
        fail(str(exc))


def pick_sources(sources: tuple[str, ...], config: Config) -> tuple[str, ...]:
    chosen = sources or config.sources
    if not chosen:
        fail(
            "No source given. Name a workbook, e.g. `sheetmap build roadmap.xlsx`, or list `sources:` in sheetmap.yml."
        )
    return tuple(chosen)


class Group(click.Group):
    """Turns sheetmap's own errors into a message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from sheetmap.errors import SheetmapError

        try:
            return super().invoke(ctx)
        except SheetmapError as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
            sys.exit(130)


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="sheetmap")
def main() -> None:
    """Turn product spreadsheets into a published roadmap website.

    \b
    Quick start:
      sheetmap init my-roadmap          # a starter workbook, config and CI workflow
      sheetmap validate roadmap.xlsx    # every problem, with its cell and a fix
      sheetmap build roadmap.xlsx       # the public site, in site/
      sheetmap build roadmap.xlsx --audience internal --out site-internal

    \b
    Exit codes: 0 success, 1 the spreadsheet has errors,
    2 usage, configuration, file, network or credential problems.
    """


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (default: sheetmap.yml in the current folder).",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How problems are reported: text for people, json for tools, github for GitHub Actions annotations.",
)
snapshot_option = click.option(
    "--snapshot",
    "snapshot_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Save each Google Sheet here after a good fetch (default: `snapshot` in sheetmap.yml).",
)
offline_option = click.option(
    "--offline", is_flag=True, help="Read Google Sheets from the snapshot folder instead of from Google."
)


@main.command(context_settings=CONTEXT)
@click.argument("directory", default=".", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace roadmap.xlsx, sheetmap.yml or the workflow if they exist.")
@click.option(
    "--google",
    "google_sheet",
    metavar="URL",
    help="Build from this Google Sheet, nightly in CI, with the key in the SHEETMAP_GOOGLE_CREDENTIALS secret.",
)
def init(directory: Path, force: bool, google_sheet: str | None) -> None:
    """Start a roadmap in DIRECTORY (default: here): a starter workbook, sheetmap.yml and a CI workflow.

    \b
    Examples:
      sheetmap init my-roadmap && cd my-roadmap && sheetmap build
      sheetmap init my-roadmap --google "https://docs.google.com/spreadsheets/d/KEY/edit"
    """
    if google_sheet:
        from sheetmap.init_google import init_google

        click.echo(init_google(directory, google_sheet, force=force))
        return
    from sheetmap.init import init_project, next_steps

    click.echo(next_steps(directory, init_project(directory, force=force)))


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1)
@format_option
@strict_option
@snapshot_option
@offline_option
@config_option
def validate(
    sources: tuple[str, ...],
    output_format: str,
    strict: bool,
    snapshot_dir: Path | None,
    offline: bool,
    config_path: Path | None,
) -> None:
    """Check workbooks and report every problem at once.

    SOURCES are .xlsx workbooks, CSV files or folders, or Google Sheets URLs
    (default: `sources` in sheetmap.yml).

    \b
    Example:
      sheetmap validate roadmap.xlsx --format json
    """
    from sheetmap.errors import SheetmapError
    from sheetmap.pipeline import load
    from sheetmap.report_format import github_error, render_report
    from sheetmap.snapshot import snapshot_policy

    config = load_settings(config_path)
    chosen = pick_sources(sources, config)
    snapshot = snapshot_policy(snapshot_dir or config.snapshot, offline=offline)
    try:
        loaded = load(chosen, config, snapshot)
    except SheetmapError as exc:
        if output_format == "github":
            click.echo(github_error(str(exc)))
        fail(str(exc))
    click.echo(render_report(loaded.report, chosen, output_format, strict=strict, color=sys.stdout.isatty()))
    sys.exit(EXIT_OK if loaded.report.ok(strict=strict) else EXIT_INVALID)


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1)
@click.option(
    "--audience",
    type=click.Choice(["public", "internal"]),
    help="Who the site is for (default: public, or default_audience in sheetmap.yml).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: site/, or the audience's folder in sheetmap.yml).",
)
@format_option
@click.option(
    "--previous",
    "previous_spec",
    metavar="PATH_OR_URL",
    help="The published roadmap.json that feed.xml is computed against (default: the one in the output folder).",
)
@strict_option
@snapshot_option
@offline_option
@config_option
def build(
    sources: tuple[str, ...],
    audience: str | None,
    out: Path | None,
    output_format: str,
    previous_spec: str | None,
    strict: bool,
    snapshot_dir: Path | None,
    offline: bool,
    config_path: Path | None,
) -> None:
    """Validate, then build the roadmap site.

    A build with errors writes nothing: the site already in the output
    folder stays exactly as it was.

    \b
    Examples:
      sheetmap build roadmap.xlsx
      sheetmap build product.xlsx sprints.xlsx --audience internal --out site-internal
      sheetmap build "https://docs.google.com/spreadsheets/d/KEY/edit" --snapshot .sheetmap-snapshot
    """
    from sheetmap.errors import SheetmapError
    from sheetmap.pipeline import build as run_build
    from sheetmap.report_format import github_error, render_report
    from sheetmap.snapshot import check_not_published, snapshot_policy

    config = load_settings(config_path)
    chosen = pick_sources(sources, config)
    audience = audience or config.default_audience
    target = out or config.out_for(audience)
    snapshot = snapshot_policy(snapshot_dir or config.snapshot, offline=offline)
    check_not_published(snapshot, target)
    previous = load_previous(previous_spec, audience) if previous_spec else None
    try:
        result = run_build(
            chosen, config, audience=audience, out=target, strict=strict, snapshot=snapshot, previous=previous
        )
    except SheetmapError as exc:
        # A scheduled build whose fetch failed: say so where CI shows it, and
        # that the published site was not touched.
        if output_format == "github":
            click.echo(github_error(str(exc)))
        fail(f"{exc}\nNothing was written; {target}/ is unchanged.")
    report = result.report
    if len(report):
        # GitHub reads workflow commands from stdout; everything else is diagnostics, on stderr.
        text = render_report(report, chosen, output_format, strict=strict, color=sys.stderr.isatty())
        click.echo(text, err=output_format != "github")
    if not result.written:
        click.echo(f"Nothing was written; {target}/ is unchanged. Fix the errors above and build again.", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(result.summary(config.title))


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port.")
@click.option("--audience", type=click.Choice(["public", "internal"]), help="Who the site is for (default: public).")
@click.option("--open/--no-open", "open_browser", default=False, help="Open the roadmap in a browser.")
@config_option
def serve(
    sources: tuple[str, ...], port: int, audience: str | None, open_browser: bool, config_path: Path | None
) -> None:
    """Build, serve on 127.0.0.1, and rebuild and reload the browser on every save.

    Watches the sources, sheetmap.yml and the templates folder. While the
    spreadsheet has errors, the browser shows them; the next good save
    brings the roadmap back. Ctrl-C stops.

    \b
    Example:
      sheetmap serve roadmap.xlsx --open
    """
    from sheetmap.serve import Target
    from sheetmap.serve import serve as run_serve

    pick_sources(sources, load_settings(config_path))  # a usage mistake stops here, with exit code 2
    target = Target(sources, config_path, audience)
    run_serve(target, port=port, open_browser=open_browser, say=lambda text, err: click.echo(text, err=err))


def load_previous(spec: str, audience: str) -> dict[str, object]:
    """`--previous`: the published roadmap.json; {} (a fresh feed) when its URL answers 404."""
    from sheetmap.render.previous import NoPrevious, read_previous

    try:
        data = read_previous(spec)
    except NoPrevious as exc:
        click.echo(str(exc), err=True)
        return {}
    if data.get("audience") != audience:
        fail(
            f"--previous {spec} is the {data.get('audience')} roadmap, but this build is {audience}. "
            f"Name the roadmap.json of the {audience} site."
        )
    return data


def run() -> None:
    """The `sheetmap` program (console script and `python -m sheetmap`): `main`, in a process of its own.

    The process ends without walking what it built. Jinja's contexts of the
    last pages rendered here hold the page's variables in reference cycles,
    and with them the view and the whole roadmap, so the interpreter's last
    garbage collection went over every object: 0.3-0.5 s after goal 1's
    build (issue 9), for memory the operating system takes back anyway.
    Frozen objects are left out of that collection; files are closed and
    output flushed as before. Only here: a process that embeds sheetmap
    (MkDocs, tests) keeps collecting.
    """
    atexit.register(gc.freeze)
    main()


if __name__ == "__main__":  # pragma: no cover
    run()
