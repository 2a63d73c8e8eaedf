"""The `sheetmap` command. Only this module knows click and exit codes.

Exit codes: 0 success (warnings allowed unless --strict), 1 the spreadsheet
has errors, 2 usage, configuration, file, network or credential problems.
Heavy modules are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

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
            "No source given. Name a workbook, e.g. `sheetmap build roadmap.xlsx`, "
            "or list `sources:` in sheetmap.yml."
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


@main.command(context_settings=CONTEXT)
@click.argument("sources", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations.",
)
@strict_option
@config_option
def validate(sources: tuple[str, ...], output_format: str, strict: bool, config_path: Path | None) -> None:
    """Check workbooks and report every problem at once.

    SOURCES are .xlsx workbooks, CSV files or folders, or Google Sheets URLs
    (default: `sources` in sheetmap.yml).

    \b
    Example:
      sheetmap validate roadmap.xlsx --format json
    """
    from sheetmap.pipeline import load
    from sheetmap.report_format import format_github, format_json, format_text

    config = load_settings(config_path)
    chosen = pick_sources(sources, config)
    loaded = load(chosen, config)
    if output_format == "json":
        click.echo(format_json(loaded.report))
    elif output_format == "github":
        click.echo(format_github(loaded.report, chosen))
    else:
        click.echo(format_text(loaded.report, chosen, color=sys.stdout.isatty()))
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
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How problems are reported.",
)
@strict_option
@config_option
def build(
    sources: tuple[str, ...],
    audience: str | None,
    out: Path | None,
    output_format: str,
    strict: bool,
    config_path: Path | None,
) -> None:
    """Validate, then build the roadmap site.

    A build with errors writes nothing: the site already in the output
    folder stays exactly as it was.

    \b
    Examples:
      sheetmap build roadmap.xlsx
      sheetmap build product.xlsx sprints.xlsx --audience internal --out site-internal
    """
    from sheetmap.pipeline import build as run_build
    from sheetmap.report_format import format_github, format_json, format_text

    config = load_settings(config_path)
    chosen = pick_sources(sources, config)
    audience = audience or config.default_audience
    target = out or config.out_for(audience)
    result = run_build(chosen, config, audience=audience, out=target, strict=strict)
    report = result.loaded.report
    if len(report):
        if output_format == "json":
            click.echo(format_json(report), err=True)
        elif output_format == "github":
            click.echo(format_github(report, chosen))
        else:
            click.echo(format_text(report, chosen, color=sys.stderr.isatty()), err=True)
    if not result.written:
        click.echo(f"Nothing was written; {target}/ is unchanged. Fix the errors above and build again.", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(result.summary(config.title))


if __name__ == "__main__":  # pragma: no cover
    main()
