"""The tool's RSA signing keys in instance/: one active, older ones published for a grace period."""

from __future__ import annotations

import functools
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from jwcrypto.jwk import JWK

MANIFEST = "keys.json"


@dataclass(frozen=True)
class ToolKey:
    """A key pair: its id and PEM texts."""

    kid: str
    private_pem: str
    public_pem: str


def _dir() -> Path:
    return Path(current_app.config["TOOL_KEYS_DIR"])


def _read_manifest(keys_dir: Path) -> dict[str, Any]:
    path = keys_dir / MANIFEST
    if not path.exists():
        return {"active": None, "keys": {}}
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _write_manifest(keys_dir: Path, manifest: dict[str, Any]) -> None:
    tmp = keys_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2))
    tmp.replace(keys_dir / MANIFEST)


def _new_key(keys_dir: Path) -> str:
    """Generate a key pair, private file mode 0600; return its kid."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = secrets.token_hex(8)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = keys_dir / f"{kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)
    return kid


def ensure_key(keys_dir: Path | None = None) -> str:
    """Create the first key if there is none; return the active kid. Idempotent."""
    keys_dir = keys_dir or _dir()
    manifest = _read_manifest(keys_dir)
    if manifest["active"] and (keys_dir / f"{manifest['active']}.pem").exists():
        return str(manifest["active"])
    kid = _new_key(keys_dir)
    manifest["keys"][kid] = {"created_at": datetime.now(UTC).isoformat(), "retired_at": None}
    manifest["active"] = kid
    _write_manifest(keys_dir, manifest)
    return kid


def rotate(keys_dir: Path | None = None) -> tuple[str, str | None]:
    """Add a new key and sign with it; the previous key stays published for the grace period."""
    keys_dir = keys_dir or _dir()
    manifest = _read_manifest(keys_dir)
    old = manifest["active"]
    kid = _new_key(keys_dir)
    now = datetime.now(UTC).isoformat()
    if old and old in manifest["keys"]:
        manifest["keys"][old]["retired_at"] = now
    manifest["keys"][kid] = {"created_at": now, "retired_at": None}
    manifest["active"] = kid
    _write_manifest(keys_dir, manifest)
    return kid, old


def _load(keys_dir: Path, kid: str) -> ToolKey:
    path = keys_dir / f"{kid}.pem"
    return _load_file(str(path), path.stat().st_mtime_ns, kid)


@functools.lru_cache(maxsize=16)
def _load_file(path: str, mtime_ns: int, kid: str) -> ToolKey:
    """Parsing an RSA key costs ~20 ms (cryptography checks it): once per file version, not per
    request (it was 40 % of a launch; docs/benchmarks.md)."""
    private_pem = Path(path).read_text()
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return ToolKey(kid=kid, private_pem=private_pem, public_pem=public_pem)


def active_key() -> ToolKey:
    """The key every JWT the tool signs is signed with."""
    keys_dir = _dir()
    manifest = _read_manifest(keys_dir)
    if not manifest["active"]:
        raise RuntimeError(
            f"No tool key in {keys_dir}: run 'flask --app lms_plugin init' to create one."
        )
    return _load(keys_dir, str(manifest["active"]))


def published_keys() -> list[ToolKey]:
    """The active key and retired keys still inside the grace period."""
    keys_dir = _dir()
    manifest = _read_manifest(keys_dir)
    grace = timedelta(days=int(current_app.config["KEY_GRACE_DAYS"]))
    now = datetime.now(UTC)
    keys = []
    for kid, meta in manifest["keys"].items():
        retired = meta.get("retired_at")
        if retired and datetime.fromisoformat(retired) + grace < now:
            continue
        if (keys_dir / f"{kid}.pem").exists():
            keys.append(_load(keys_dir, kid))
    return keys


def jwk_of(key: ToolKey) -> dict[str, Any]:
    """The public JWK with kid, alg and use."""
    jwk = JWK.from_pem(key.public_pem.encode())
    data: dict[str, Any] = json.loads(jwk.export_public())
    data.update({"kid": key.kid, "alg": "RS256", "use": "sig"})
    return data


def jwks() -> dict[str, list[dict[str, Any]]]:
    """The JWKS document: {"keys": [...]}, a kid on every key."""
    return {"keys": [jwk_of(k) for k in published_keys()]}
