"""A live HTTPS server for the journeys: one app, two origins (platform and tool are cross-site).

The practice LMS answers at https://127.0.0.1:PORT/practice and the tool at https://localhost:PORT,
so Chromium treats the framed tool as a third party, as Moodle's iframe is in production. A
self-signed certificate (made here, trusted by `requests` through REQUESTS_CA_BUNDLE) lets the
tool set its real cookies (SameSite=None; Secure; Partitioned) and fetch the platform's keys.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate valid for localhost and 127.0.0.1 (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """The running server: where the platform and the tool answer."""

    app: Flask
    port: int
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def platform(self) -> str:
        """The practice LMS's origin (what the browser opens first)."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def tool(self) -> str:
        """The tool's origin (framed inside the platform page)."""
        return f"https://localhost:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def start(app: Flask, port: int, cert: Path, key: Path) -> LiveServer:
    """Serve `app` over HTTPS on 127.0.0.1:port in a thread (threaded: the tool calls itself)."""
    server = make_server("127.0.0.1", port, app, threaded=True, ssl_context=(str(cert), str(key)))
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(app=app, port=port, server=server, thread=thread)
