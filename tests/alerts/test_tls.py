"""SMTP over TLS, both ways real servers offer it: STARTTLS on 587 and implicit TLS on 465."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from mailsink import (
    BACKFILL_ALL,
    FIXTURES,
    SMTP_PASSWORD,
    SMTP_USER,
    UNSUBSCRIBE_SECRET,
    MailSink,
    fill_store,
    free_port,
)

from alerts.service import Alerts
from tidewatch.config import Config


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, as a private mail relay might have."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tidewatch test relay")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "relay.pem", folder / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def tls_server(certificate: tuple[Path, Path], implicit: bool) -> tuple[Controller, MailSink, int]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    sink, port = MailSink(), free_port()
    # aiosmtpd only counts STARTTLS as encryption for AUTH, so tell it implicit TLS is too
    mode = (
        {"ssl_context": context, "auth_require_tls": False}
        if implicit
        else {"tls_context": context, "require_starttls": True}
    )
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=sink.authenticate,
        auth_required=True,
        **mode,
    )
    controller.start()
    return controller, sink, port


@pytest.fixture(params=["starttls", "tls"])
def relay(
    request: pytest.FixtureRequest, certificate: tuple[Path, Path]
) -> Iterator[tuple[str, MailSink, int]]:
    controller, sink, port = tls_server(certificate, implicit=request.param == "tls")
    try:
        yield request.param, sink, port
    finally:
        controller.stop()


def config_for(tmp_path: Path, security: str, port: int, ca_file: Path | None) -> Config:
    return Config(
        data_dir=tmp_path / "data",
        subscribers_file=FIXTURES / "newsroom.toml",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security=security,
        smtp_user=SMTP_USER,
        smtp_password=SMTP_PASSWORD,
        smtp_ca_file=ca_file,
        smtp_attempts=2,
        smtp_backoff=0,
        smtp_timeout=10,
        unsubscribe_secret=UNSUBSCRIBE_SECRET,
        backfill_days=BACKFILL_ALL,
    )


def send(config: Config) -> list:
    store = fill_store(config, ("xsnet",))
    alerts = Alerts(config, store)
    try:
        alerts.match_new_articles()
        return alerts.send_due()
    finally:
        alerts.close()
        store.close()


def test_delivery_over_tls_with_a_trusted_relay(
    relay: tuple[str, MailSink, int], certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    security, sink, port = relay
    (report,) = send(config_for(tmp_path, security, port, ca_file=certificate[0]))
    assert report.status == "sent"
    assert len(sink.messages) == 1 and sink.logins == [(SMTP_USER, SMTP_PASSWORD)]


def test_an_untrusted_certificate_is_refused_and_nothing_is_lost(
    relay: tuple[str, MailSink, int], tmp_path: Path
) -> None:
    security, sink, port = relay
    config = config_for(tmp_path, security, port, ca_file=None)
    (report,) = send(config)
    assert report.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in report.detail
    assert sink.messages == [] and sink.logins == []  # no password over an unverified link
