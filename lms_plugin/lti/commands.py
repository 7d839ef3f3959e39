"""`flask --app lms_plugin lti …`: registration values, platforms, coordinators and keys."""

from __future__ import annotations

import importlib
import json

import click
from flask import Flask, current_app

from lms_plugin.db import db
from lms_plugin.errors import DomainError
from lms_plugin.lti import keys, platforms
from lms_plugin.lti.cli_group import lti_group
from lms_plugin.lti.registration import CLAIMS, SCOPES


def _urls(base_url: str | None) -> dict[str, str]:
    """The tool's LTI URLs under `base_url` (default: PREFERRED_URL_SCHEME://SERVER_NAME)."""
    from flask import url_for

    base = (base_url or "").rstrip("/") or (
        f"{current_app.config.get('PREFERRED_URL_SCHEME', 'https')}://"
        f"{current_app.config.get('SERVER_NAME') or 'localhost:5000'}"
    )
    endpoints = {
        "login": "lti.login",
        "launch": "lti.launch",
        "jwks": "lti.jwks",
        "register": "lti.register",
        "deep_link_picker": "lti.deep_link_picker",
    }
    with current_app.test_request_context("/"):
        urls = {name: base + url_for(endpoint) for name, endpoint in endpoints.items()}
    urls["jwks_well_known"] = base + "/.well-known/jwks.json"
    urls["deep_link"] = urls["launch"]
    return urls


@lti_group.command("tool-config")
@click.option("--base-url", help="The tool's public https URL (default: SERVER_NAME).")
@click.option("--json", "as_json", is_flag=True, help="Print only the JSON.")
def tool_config(base_url: str | None, as_json: bool) -> None:
    """Print the URLs, scopes and JSON a Moodle administrator needs to register the tool."""
    urls = _urls(base_url)
    manual = {
        "tool_name": current_app.config["TOOL_NAME"],
        "tool_url": urls["launch"],
        "lti_version": "LTI 1.3",
        "public_key_type": "Keyset URL",
        "public_keyset_url": urls["jwks"],
        "initiate_login_url": urls["login"],
        "redirection_uris": [urls["launch"]],
        # No tool-level custom parameters: Moodle 4.4 lets them override every activity's own.
        "custom_parameters": "",
        "supports_deep_linking": True,
        "content_selection_url": urls["launch"],
        "scopes": list(SCOPES),
        "claims": list(CLAIMS),
        "dynamic_registration_url": urls["register"],
    }
    if as_json:
        click.echo(json.dumps(manual, indent=2))
        return
    click.echo(f"Dynamic registration URL:  {urls['register']}")
    click.echo(f"Tool URL / Redirection URI: {urls['launch']}")
    click.echo(f"Initiate login URL:        {urls['login']}")
    click.echo(f"Public keyset URL:         {urls['jwks']}  (also {urls['jwks_well_known']})")
    click.echo(f"Deep linking (content selection) URL: {urls['launch']}")
    click.echo("Scopes:")
    for scope in SCOPES:
        click.echo(f"  {scope}")
    click.echo("JSON for manual registration:")
    click.echo(json.dumps(manual, indent=2))


def _fail(exc: DomainError) -> None:
    db.session.rollback()
    raise click.ClickException(exc.message)


@lti_group.command("add-platform")
@click.option("--issuer", required=True, help="Moodle's Platform ID (its wwwroot).")
@click.option("--client-id", required=True)
@click.option("--deployment-id", required=True)
@click.option("--auth-url", required=True, help="Authentication request URL (…/mod/lti/auth.php).")
@click.option("--token-url", required=True, help="Access token URL (…/mod/lti/token.php).")
@click.option("--jwks-url", required=True, help="Public keyset URL (…/mod/lti/certs.php).")
@click.option("--name", default="")
def add_platform_command(
    issuer: str,
    client_id: str,
    deployment_id: str,
    auth_url: str,
    token_url: str,
    jwks_url: str,
    name: str,
) -> None:
    """Register issuer + client_id with a deployment; adds deployments to existing ones."""
    try:
        platform, deployment = platforms.add_platform(
            issuer=issuer,
            client_id=client_id,
            deployment_id=deployment_id,
            auth_url=auth_url,
            token_url=token_url,
            jwks_url=jwks_url,
            name=name,
        )
    except DomainError as exc:
        _fail(exc)
        return
    db.session.commit()
    click.echo(
        f"Platform {platform.issuer} client {platform.client_id}: "
        f"deployment {deployment.deployment_id} registered."
    )


@lti_group.command("list-platforms")
def list_platforms_command() -> None:
    """Every registration with its deployments."""
    rows = platforms.list_platforms()
    if not rows:
        click.echo("No platform registered.")
    for p in rows:
        state = "active" if p.is_active else "inactive"
        deployments = ", ".join(d.deployment_id for d in p.deployments) or "-"
        click.echo(
            f"{p.issuer}  client_id={p.client_id}  deployments={deployments}  "
            f"{state}  via={p.registered_via}  name={p.name}"
        )


@lti_group.command("remove-platform")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--deployment-id", help="Remove only this deployment.")
@click.option(
    "--yes", is_flag=True, help="Do not ask (deleting a platform deletes its users' data)."
)
def remove_platform_command(
    issuer: str, client_id: str, deployment_id: str | None, yes: bool
) -> None:
    """Remove a deployment, or a whole registration with its users' data."""
    try:
        platform = platforms.get_platform(issuer, client_id)
        if deployment_id:
            platforms.remove_deployment(platform, deployment_id)
            message = f"Deployment {deployment_id} removed."
        else:
            if not yes:
                click.confirm(
                    "Deleting the platform deletes its users, courses and their data. Continue?",
                    abort=True,
                )
            platforms.remove_platform(platform)
            message = f"Platform {issuer} client {client_id} removed."
    except DomainError as exc:
        _fail(exc)
        return
    db.session.commit()
    click.echo(message)


def _coordinator(issuer: str, sub: str, granted: bool) -> None:
    try:
        users = platforms.set_coordinator(issuer, sub, granted)
    except DomainError as exc:
        _fail(exc)
        return
    db.session.commit()
    verb = "granted to" if granted else "revoked from"
    click.echo(f"Coordinator rights {verb} user {sub} of {issuer} ({len(users)} registration(s)).")


@lti_group.command("grant-coordinator")
@click.option("--issuer", required=True)
@click.option("--sub", required=True, help="The user's id in Moodle (the LTI sub).")
def grant_coordinator_command(issuer: str, sub: str) -> None:
    """Give a person coordinator rights."""
    _coordinator(issuer, sub, True)


@lti_group.command("revoke-coordinator")
@click.option("--issuer", required=True)
@click.option("--sub", required=True)
def revoke_coordinator_command(issuer: str, sub: str) -> None:
    """Take coordinator rights away."""
    _coordinator(issuer, sub, False)


@lti_group.command("rotate-key")
def rotate_key_command() -> None:
    """Sign with a new key; the old one stays published for KEY_GRACE_DAYS."""
    kid, old = keys.rotate()
    grace = current_app.config["KEY_GRACE_DAYS"]
    click.echo(f"New signing key {kid}.")
    if old:
        click.echo(f"Key {old} stays in the JWKS for {grace} days.")


def register(app: Flask) -> None:
    """Add the `lti` group (other LTI modules add their commands to the same group)."""
    try:  # the AGS/NRPS commands (deliver, sync-roster) live in their own module
        importlib.import_module("lms_plugin.lti.service_commands")
    except ModuleNotFoundError as exc:
        if exc.name != "lms_plugin.lti.service_commands":
            raise
    if "lti" not in app.cli.commands:
        app.cli.add_command(lti_group)
    from lms_plugin.lti.worker import serve_command

    if "serve" not in app.cli.commands:
        app.cli.add_command(serve_command)
