"""`flask lti deliver|deliveries|retry|sync-roster`: thin wrappers over the AGS outbox and NRPS."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask import current_app
from sqlalchemy import select

from lms_plugin.accounts.models import LmsContext
from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.lti.ags import list_deliveries, retry_delivery
from lms_plugin.lti.ags_delivery import deliver_round
from lms_plugin.lti.cli_group import lti_group
from lms_plugin.lti.nrps import sync_roster
from lms_plugin.lti.outbox_models import FAILED


def _one_round() -> int:
    result = deliver_round()
    if result.touched:
        click.echo(
            f"sent {len(result.sent)}, retrying {len(result.retrying)}, "
            f"failed {len(result.failed)}, "
            f"skipped {len(result.skipped)}, superseded {len(result.superseded)}"
        )
    return result.touched


@lti_group.command("deliver")
@click.option("--loop", "loop", is_flag=True, help="Keep delivering until SIGTERM or Ctrl-C.")
@click.option("--once", "once", is_flag=True, help="One round, then exit (the default).")
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Seconds to sleep between rounds with --loop (default AGS_WORKER_INTERVAL or 15).",
)
def deliver_command(loop: bool, once: bool, interval: float | None) -> None:
    """Send the scores waiting in the outbox to the platforms' gradebooks."""
    if loop and once:
        raise click.UsageError("Use either --loop or --once, not both.")
    if not loop:
        _one_round()
        return
    pause = (
        interval
        if interval is not None
        else float(current_app.config.get("AGS_WORKER_INTERVAL", 15))
    )
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Delivering scores every {pause:g} s; stop with SIGTERM or Ctrl-C.")
    try:
        while not stop.is_set():
            try:
                _one_round()
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the worker
                db.session.rollback()
                click.echo(f"round failed: {exc.__class__.__name__}: {exc}", err=True)
            finally:
                db.session.remove()
            stop.wait(pause)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Stopped.")


@lti_group.command("deliveries")
@click.option("--failed", "only_failed", is_flag=True, help="Only deliveries that gave up.")
@click.option("--context-pk", type=int, default=None, help="Only this course (LmsContext id).")
@click.option("--limit", type=int, default=50, show_default=True)
def deliveries_command(only_failed: bool, context_pk: int | None, limit: int) -> None:
    """List score deliveries, newest first."""
    rows = list_deliveries(
        context_pk=context_pk, statuses=(FAILED,) if only_failed else None, limit=limit
    )
    if not rows:
        click.echo("No deliveries.")
        return
    for row in rows:
        score = "-" if row.score_given is None else f"{row.score_given:g}"
        line = (
            f"#{row.id} {row.status:<10} {row.user_name} {row.resource_id or 'activity'} "
            f"{score}/{row.score_maximum:g} attempts={row.attempts}"
        )
        if row.next_attempt_at:
            line += f" next={row.next_attempt_at.isoformat(timespec='seconds')}"
        if row.last_error:
            line += f" error={row.last_error}"
        click.echo(line)


@lti_group.command("retry")
@click.option("--id", "delivery_id", type=int, required=True, help="The delivery to retry.")
def retry_command(delivery_id: int) -> None:
    """Queue a failed delivery again (it is superseded instead if a newer score exists)."""
    try:
        row = retry_delivery(delivery_id)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Delivery #{row.id} is {row.status}.")


@lti_group.command("sync-roster")
@click.option("--context-pk", type=int, default=None, help="The course (LmsContext id) to sync.")
@click.option("--all", "all_contexts", is_flag=True, help="Every course with a memberships URL.")
def sync_roster_command(context_pk: int | None, all_contexts: bool) -> None:
    """Fetch course rosters from the platform (NRPS) and update memberships."""
    if (context_pk is None) == (not all_contexts):
        raise click.UsageError("Give exactly one of --context-pk N or --all.")
    if all_contexts:
        pks = list(
            db.session.scalars(select(LmsContext.id).where(LmsContext.memberships_url.is_not(None)))
        )
    else:
        assert context_pk is not None
        pks = [context_pk]
    failures = 0
    for pk in pks:
        result = sync_roster(pk)
        if result.error:
            db.session.rollback()
            failures += 1
            click.echo(f"context {pk}: FAILED: {result.error}", err=True)
            continue
        db.session.commit()
        click.echo(
            f"context {pk}: {result.members} members on {result.pages} page(s); "
            f"{result.users_created} new users, {result.memberships_added} added, "
            f"{result.memberships_updated} updated, {result.deactivated} no longer enrolled"
        )
    if failures:
        raise SystemExit(1)
