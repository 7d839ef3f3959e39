"""Open Badges 3.0: the certificate as a signed verifiable credential (VC-JWT, OB 3.0 §8.2)."""

from __future__ import annotations

from typing import Any

import jwt

from lms_plugin.certification.models import Certificate
from lms_plugin.lti import keys

VC_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def iso(moment: Any) -> str:
    """XML Schema dateTime in UTC with a Z."""
    return str(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def credential(cert: Certificate, *, urls: dict[str, str], names: dict[str, str]) -> dict[str, Any]:
    """The OpenBadgeCredential as JSON-LD (the JWT payload carries these members at the top level).

    `urls`: credential, issuer, achievement, verify;
    `names`: issuer, achievement, description, criteria.
    Only the holder's name identifies them (no e-mail).
    """
    return {
        "@context": VC_CONTEXT,
        "id": urls["credential"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": names["achievement"],
        "issuer": {"id": urls["issuer"], "type": ["Profile"], "name": names["issuer"]},
        "validFrom": iso(cert.valid_from),
        "validUntil": iso(cert.expires_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": cert.holder_name,
            "achievement": {
                "id": urls["achievement"],
                "type": ["Achievement"],
                "name": names["achievement"],
                "description": names["description"],
                "criteria": {"narrative": names["criteria"]},
                "achievementType": "Certificate",
            },
            "result": [{"type": ["Result"], "value": f"{cert.hours:g} hours"}],
        },
        "evidence": [{"id": urls["verify"], "type": ["Evidence"], "name": cert.code}],
    }


def sign(payload_vc: dict[str, Any], cert: Certificate, *, key_url: str) -> str:
    """VC-JWT: registered claims beside the credential; header kid dereferences to our JWK."""
    key = keys.active_key()
    claims = dict(payload_vc)
    claims.update(
        {
            "iss": payload_vc["issuer"]["id"],
            "jti": payload_vc["id"],
            "sub": payload_vc["id"] + "#subject",
            "nbf": int(cert.valid_from.timestamp()),
            "exp": int(cert.expires_at.timestamp()),
        }
    )
    headers = {"kid": key_url.replace("__KID__", key.kid), "typ": "JWT"}
    return jwt.encode(claims, key.private_pem, algorithm="RS256", headers=headers)
