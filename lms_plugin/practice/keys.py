"""The practice LMS's own RSA key pair, kept in the instance folder (mode 0600)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from jwcrypto.jwk import JWK

KEY_FILE = "practice_platform_key.pem"


@dataclass(frozen=True)
class PlatformKey:
    """The key pair and its kid (the RFC 7638 thumbprint, so it never needs storing)."""

    kid: str
    private_pem: str
    public_pem: str


def key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def ensure_platform_key() -> Path:
    """Create the key file if it is missing; safe when two processes race."""
    path = key_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(path, 0o600)
    return path


def platform_key() -> PlatformKey:
    """The key the practice LMS signs id_tokens and access tokens with."""
    private_pem = ensure_platform_key().read_text()
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    kid = JWK.from_pem(public_pem.encode()).thumbprint()
    return PlatformKey(kid=kid, private_pem=private_pem, public_pem=public_pem)


def platform_jwks() -> dict[str, list[dict[str, Any]]]:
    """{"keys": [...]} with kid, alg and use, as Moodle's certs.php publishes."""
    key = platform_key()
    jwk: dict[str, Any] = json.loads(JWK.from_pem(key.public_pem.encode()).export_public())
    jwk.update({"kid": key.kid, "alg": "RS256", "use": "sig"})
    return {"keys": [jwk]}
