"""The ``egov`` command: one entry point for every task a user or an operator runs."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from store.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from egov.demo import DemoSpec
    from metrics.export import ExportFormat

app = typer.Typer(help="E-government scorecard: agencies scored against the development plan.", no_args_is_help=True)
db_app = typer.Typer(help="The SQL store: migrations and reference data.", no_args_is_help=True)
ingest_app = typer.Typer(help="Bring self-reports and service logs into the store.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")
# --- accounts ---
from egov.cli_accounts import periods_app, review_app, users_app  # noqa: E402  # the sub-commands, once

app.add_typer(users_app, name="users")
app.add_typer(periods_app, name="periods")
app.add_typer(review_app, name="review")
# --- end accounts ---
console = Console()
err_console = Console(stderr=True)


def _actor() -> str:
    return f"cli:{os.environ.get('USER') or os.environ.get('USERNAME') or 'unknown'}"


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the store to the newest schema and load the organisation tree and periods."""
    from store.engine import create_store_engine, current_revision, upgrade_store

    settings = get_settings()
    engine = create_store_engine(settings.resolved_database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    upgrade_store(engine)
    console.print(f"store at revision [bold]{current_revision(engine)}[/]: {engine.url.render_as_string()}")


@app.command("template")
def template(
    agency: Annotated[str, typer.Option("--agency", help="Agency code, e.g. QM-GOV.")],
    period: Annotated[str, typer.Option("--period", help="Reporting period: 1393, 1393-H1 or 1393-Q2.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the .xlsx.")],
) -> None:
    """Write the self-report workbook for one agency and period."""
    from sqlalchemy import select

    from ingest.template import write_template
    from ingest.text import normalize_text
    from store.declared import load_plans
    from store.engine import open_store
    from store.models import Agency
    from store.periods import parse_period_code

    code = normalize_text(agency).upper()
    try:
        spec = parse_period_code(normalize_text(period))
    except ValueError:
        err_console.print(f"[red]دوره نامعتبر - not a period:[/] {period!r} (e.g. 1393, 1393-H1, 1393-Q2)")
        raise typer.Exit(2) from None
    if load_plans().plan_for_year(spec.year) is None:
        err_console.print(f"[red]دوره خارج از برنامه - period outside every plan:[/] {spec.code}")
        raise typer.Exit(2)
    with open_store().connect() as connection:
        row = connection.execute(select(Agency.name_fa).where(Agency.code == code)).one_or_none()
    if row is None:
        err_console.print(f"[red]دستگاه ناشناخته - unknown agency:[/] {code} (see `egov agencies`)")
        raise typer.Exit(2)
    write_template(output, agency_code=code, agency_name=row.name_fa, period=spec.code)
    console.print(f"template written: {output}")


@app.command("agencies")
def agencies(
    province: Annotated[str | None, typer.Option(help="Only this province, e.g. QM.")] = None,
) -> None:
    """List the agencies and their codes."""
    from store.declared import load_organisation

    table = Table("code", "نام", "name", "sector")
    for agency in load_organisation().agencies:
        if province is None or agency.province == province.upper():
            table.add_row(agency.code, agency.name_fa, agency.name_en, agency.sector)
    console.print(table)


def _print_outcome(outcome: object) -> None:
    from ingest.submissions import IngestOutcome

    assert isinstance(outcome, IngestOutcome)
    if outcome.status == "stored":
        note = f" (supersedes #{outcome.supersedes_id})" if outcome.supersedes_id else ""
        console.print(f"[green]ذخیره شد - stored[/] {outcome.file_name}: #{outcome.submission_id}{note}")
    elif outcome.status == "duplicate":
        console.print(
            f"[yellow]تکراری - already stored[/] {outcome.file_name}: same file as #{outcome.submission_id}; nothing changed"
        )
    elif outcome.status == "checked":
        note = f", would supersede #{outcome.supersedes_id}" if outcome.supersedes_id else ""
        console.print(f"[green]معتبر - valid[/] {outcome.file_name} (dry run: nothing stored{note})")
    else:
        table = Table(title=f"رد شد - rejected: {outcome.file_name} ({len(outcome.problems)})", show_lines=True)
        for column in ("where", "field", "seen", "مشکل", "problem", "expected"):
            table.add_column(column, overflow="fold")
        for p in outcome.problems:
            field = " / ".join(x for x in (p.field_fa, p.field_en) if x)
            expected = " / ".join(x for x in (p.expected_fa, p.expected_en) if x)
            table.add_row(p.where, field, p.seen or "", p.message_fa, p.message_en, expected)
        console.print(table)


@ingest_app.command("report")
def ingest_report(
    files: Annotated[
        list[Path], typer.Argument(help="Filled self-report workbooks (.xlsx).", exists=True, dir_okay=False)
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; store nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
    approve: Annotated[
        bool, typer.Option("--approve", help="Store as approved (reviewed elsewhere, e.g. paper returns).")
    ] = False,
) -> None:
    """Check and store self-report workbooks (pending review); exit 0 stored, 1 rejected, 2 usage error."""
    from ingest.submissions import ingest_report_file
    from store.engine import open_store

    settings = get_settings()
    engine = open_store(settings)
    outcomes = [
        ingest_report_file(
            engine,
            path,
            actor=_actor(),
            max_bytes=settings.max_upload_bytes,
            dry_run=dry_run,
            approved_by=_actor() if approve else None,
        )
        for path in files
    ]
    if as_json:
        print(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2, default=str))
    else:
        for outcome in outcomes:
            _print_outcome(outcome)
    if any(o.status == "rejected" for o in outcomes):
        raise typer.Exit(1)


def _print_log_outcome(outcome: object) -> None:
    from ingest.service_logs import REASONS, LogIngestOutcome

    assert isinstance(outcome, LogIngestOutcome)
    colour = {"done": "green", "checked": "green", "duplicate": "yellow"}.get(outcome.status, "red")
    console.print(
        f"[{colour}]{outcome.status}[/] {outcome.file_name} (source {outcome.source_system}): "
        f"read {outcome.rows_read:,}, accepted {outcome.rows_accepted:,}, rejected {outcome.rows_rejected:,}, "
        f"duplicate ids {outcome.rows_duplicate:,}; months {len(outcome.months)}"
    )
    for reason, count in outcome.reasons.items():
        fa, en = REASONS[reason]
        console.print(f"  {count:,} × {fa} - {en}")
    for replaced in outcome.replaced:
        console.print(f"  replaces batch #{replaced['batch_id']} for {replaced['year']}/{replaced['month']:02d}")
    if outcome.rejects_path:
        console.print(f"  rejected rows with line numbers: {outcome.rejects_path}")
    if outcome.message_en:
        console.print(f"  {outcome.message_fa} - {outcome.message_en}")


def _progress_updater(progress: Progress, task: TaskID, size: int) -> Callable[[float], None]:
    def update(share: float) -> None:
        progress.update(task, completed=share * size)

    return update


@ingest_app.command("logs")
def ingest_logs(
    files: Annotated[
        list[Path], typer.Argument(help="Log exports: CSV (plain or .gz) or xlsx.", exists=True, dir_okay=False)
    ],
    source: Annotated[
        str | None, typer.Option(help="Source system name (default: the file's column, else its name).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count only; store nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Aggregate service-log files into the store, once each; exit 1 if any is refused or fails."""
    from ingest.service_logs import ingest_log_file
    from store.engine import open_store

    settings = get_settings()
    engine = open_store(settings)
    outcomes = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, disable=as_json) as progress:
        for path in files:
            size = path.stat().st_size
            task = progress.add_task(f"{path.name} ({size / 1e6:.1f} MB)", total=size)
            outcome = ingest_log_file(
                engine,
                path,
                rejects_dir=settings.data_dir / "rejects",
                actor=_actor(),
                source=source,
                dry_run=dry_run,
                max_rejected_share=settings.log_max_rejected_share,
                memory_limit_mb=settings.log_memory_limit_mb,
                on_progress=_progress_updater(progress, task, size),
            )
            outcomes.append(outcome)
    if as_json:
        print(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2, default=str))
    else:
        for outcome in outcomes:
            _print_log_outcome(outcome)
    if any(o.status in ("refused", "failed") for o in outcomes):
        raise typer.Exit(1)


@ingest_app.command("watch")
def ingest_watch(
    inbox: Annotated[Path, typer.Argument(help="Folder other systems drop log exports into.", file_okay=False)],
    once: Annotated[bool, typer.Option("--once", help="Process what is there and exit (for cron).")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between looks when running as a service.")] = 30.0,
    settle: Annotated[float, typer.Option(help="Seconds a file must stay unchanged before it is taken.")] = 2.0,
) -> None:
    """Process an inbox folder: each new file once, then moved to processed/ or failed/ with a summary."""
    from ingest.inbox import process_inbox_once, watch_inbox
    from store.engine import open_store

    settings = get_settings()
    engine = open_store(settings)
    inbox.mkdir(parents=True, exist_ok=True)
    share = settings.log_max_rejected_share
    if once:
        outcomes = process_inbox_once(engine, inbox, settle_seconds=settle, max_rejected_share=share)
        for outcome in outcomes:
            _print_log_outcome(outcome)
        console.print(f"inbox {inbox}: {len(outcomes)} file(s) processed")
        return
    console.print(f"watching {inbox} every {interval:.0f} s (Ctrl+C to stop)")
    watch_inbox(
        engine,
        inbox,
        interval_seconds=interval,
        settle_seconds=settle,
        max_rejected_share=share,
        on_file=lambda _path, outcome: _print_log_outcome(outcome),
    )


@app.command("demo")
def demo(
    province: Annotated[list[str] | None, typer.Option(help="Only these provinces (repeatable), e.g. QM.")] = None,
    first_year: Annotated[int | None, typer.Option(help="First year to generate (default 1390).")] = None,
    last_year: Annotated[int | None, typer.Option(help="Last year to generate (default 1394).")] = None,
    logs: Annotated[bool, typer.Option(help="Also write and load the demo service logs.")] = True,
) -> None:
    """Write the deterministic demo workbooks (and service logs) and load them through the real ingest."""
    from egov.demo import DEMO_ACTOR, demo_files_loaded, demo_reports, load_demo_spec, set_demo_deadlines
    from ingest.submissions import ingest_report_file
    from store.engine import open_store

    settings = get_settings()
    engine = open_store(settings)
    spec = load_demo_spec()
    years = (first_year or spec.first_year, last_year or spec.last_year)
    reports = list(demo_reports(spec, provinces={p.upper() for p in province} if province else None, years=years))
    loaded = demo_files_loaded(engine)
    reports = [r for r in reports if r.file_name not in loaded]
    folder = settings.data_dir / "demo" / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("demo workbooks", total=len(reports))
        for report in reports:
            path = folder / report.file_name
            report.builder().save(path)
            outcome = ingest_report_file(
                engine,
                path,
                actor=DEMO_ACTOR,
                max_bytes=settings.max_upload_bytes,
                approved_by=report.approved_by,
                submitted_at=report.submitted_at,
            )
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            if outcome.status == "rejected":
                _print_outcome(outcome)
            progress.advance(task)
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    console.print(f"demo: {len(reports)} workbooks in {folder} ({summary}) in {time.perf_counter() - started:.1f} s")
    if counts.get("rejected"):
        raise typer.Exit(1)
    set_demo_deadlines(engine, spec, years)
    if logs:
        _demo_logs(engine, spec, provinces={p.upper() for p in province} if province else None, years=years)


def _demo_logs(engine: Engine, spec: DemoSpec, *, provinces: set[str] | None, years: tuple[int, int]) -> None:
    """Write the demo's service logs (one gzip CSV per province and year) and ingest each once."""
    from egov.demo import DEMO_ACTOR, plan_agencies
    from egov.demo_logs import demo_log_files, write_log_file
    from ingest.service_logs import ingest_log_file, logged_file_names
    from store.declared import load_organisation

    settings = get_settings()
    folder = settings.data_dir / "demo" / "logs"
    loaded = logged_file_names(engine, actor=DEMO_ACTOR)
    plans = plan_agencies(spec, load_organisation().agencies)
    started, rows, files = time.perf_counter(), 0, 0
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    todo = [
        (province, year)
        for province in sorted(provinces or {p.code for p in load_organisation().provinces})
        for year in range(years[0], years[1] + 1)
        if f"{province}_{year}.csv.gz" not in loaded
    ]
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("demo service logs", total=len(todo))
        for province, year in todo:
            for log, frame in demo_log_files(plans, spec, provinces={province}, years=(year, year)):
                path = write_log_file(frame, folder / log.file_name)
                outcome = ingest_log_file(
                    engine, path, rejects_dir=settings.data_dir / "rejects", actor=DEMO_ACTOR, source=log.source_system
                )
                if outcome.status not in ("done", "duplicate"):
                    _print_log_outcome(outcome)
                    raise typer.Exit(1)
                rows, files = rows + outcome.rows_read, files + 1
            progress.advance(task)
    console.print(f"demo logs: {files} files, {rows:,} rows in {folder} in {time.perf_counter() - started:.1f} s")


def _text(value: object, template: str = "{}") -> str:
    """A cell for a Rich table: empty for missing values."""
    import pandas as pd

    return "" if value is None or bool(pd.isna(value)) else template.format(value)


@app.command("score")
def score(
    period: Annotated[int, typer.Option("--period", help="Plan year to score, e.g. 1393.")],
    province: Annotated[str | None, typer.Option(help="Only this province, e.g. QM.")] = None,
    scope: Annotated[str, typer.Option(help="Rank within: province, county or sector.")] = "province",
    top: Annotated[int, typer.Option(help="Show this many rows (0: all).")] = 0,
    include_pending: Annotated[
        bool, typer.Option("--include-pending", help="Also count submissions waiting for review (marked in the title).")
    ] = False,
) -> None:
    """Print the ranking of agencies for one year (approved data), with scores, statuses and rank changes."""
    import pandas as pd

    from metrics import api

    spec = api.default_spec().replace(include_pending=include_pending)
    table = api.ranks(period, scope=scope, province=province.upper() if province else None, spec=spec)
    if top:
        table = table.head(top)
    counted = "approved and pending data" if include_pending else "approved data"
    out = Table(title=f"{period} · {spec.plan} · {spec.catalogue_version} · rank within {scope} · {counted}")
    for column in ("rank", "±", "agency", "name", "score", "ahead", "on track", "behind", "off track", "note"):
        out.add_column(column, overflow="fold", no_wrap=column in ("agency", "score"))
    for code, row in table.iterrows():
        change = row["rank_change"]
        out.add_row(
            _text(row["rank"]),
            "" if pd.isna(change) else f"{change:+d}" if change else "0",
            str(code),
            row["name_fa"],
            _text(row["index_score"], "{:.1f}"),
            *(_text(row[f"{status}_count"]) for status in api.STATUSES),
            _text(row["not_scored_reason"]),
        )
    console.print(out)


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="File (xlsx) or folder (csv, parquet) to write.")],
    period: Annotated[int, typer.Option("--period", help="Plan year to export, e.g. 1393.")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx, csv or parquet.")] = "xlsx",
) -> None:
    """Write scores, indicator results, ranks and inputs with a data dictionary (xlsx, csv or parquet)."""
    from metrics.export import export_scores

    if fmt not in ("xlsx", "csv", "parquet"):
        err_console.print(f"[red]قالب نامعتبر - unknown format:[/] {fmt} (xlsx, csv or parquet)")
        raise typer.Exit(2)
    written = export_scores(output, year=period, fmt=cast("ExportFormat", fmt))
    for path in written:
        console.print(f"written: {path}")


@app.command("methodology")
def methodology(
    lang: Annotated[str, typer.Option("--lang", help="fa, en or both (Persian first).")] = "both",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Markdown file to write (default: print).")
    ] = None,
    catalogue_path: Annotated[
        Path | None,
        typer.Option("--catalogue", help="Catalogue file (default: the Fifth Plan).", exists=True, dir_okay=False),
    ] = None,
) -> None:
    """Write the methodology (plan, pillars, weights, every indicator) generated from the catalogue."""
    from metrics.catalogue import default_catalogue, load_catalogue
    from metrics.methodology import LANGS, methodology_markdown

    if lang not in (*LANGS, "both"):
        err_console.print(f"[red]زبان نامعتبر - unknown language:[/] {lang} (fa, en or both)")
        raise typer.Exit(2)
    catalogue = load_catalogue(catalogue_path) if catalogue_path else default_catalogue()
    langs = LANGS if lang == "both" else tuple(code for code in LANGS if code == lang)
    text = "\n---\n\n".join(methodology_markdown(catalogue, lang=code) for code in langs)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"methodology written: {output} ({', '.join(langs)}; catalogue {catalogue.version})")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8050,
    debug: Annotated[bool, typer.Option(help="Dash debug mode (reloads on change).")] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes; more than 1 serves the same app with gunicorn (an office).")
    ] = 1,
) -> None:
    """Start the dashboard (the first time, it asks for the first administrator's name and password)."""
    from egov.cli_accounts import ensure_first_admin

    ensure_first_admin()
    if workers > 1:
        if debug:
            raise typer.BadParameter(
                "--debug runs the one-process dev server; leave out --workers", param_hint="--debug"
            )
        from dashboard.wsgi import serve_with_gunicorn

        serve_with_gunicorn(host=host, port=port, workers=workers)
        return
    from dashboard.app import create_app

    create_app().run(host=host, port=port, debug=debug)


@app.command("settings")
def show_settings() -> None:
    """Show the settings in effect and where they come from (EGOV_* variables, egov.env)."""
    settings = get_settings()
    table = Table("setting", "value", "meaning")
    for name, info in type(settings).model_fields.items():
        table.add_row(f"EGOV_{name.upper()}", str(getattr(settings, name)), info.description or "")
    table.add_row("(store)", settings.resolved_database_url, "the store in use")
    console.print(table)


if __name__ == "__main__":
    app()
