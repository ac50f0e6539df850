"""Keys for the signing tests: Gantry's own (self-signed) and ones from a tiny test CA."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from app.signing.keys import write_key
from tests.fixed_dates import DEMO_TODAY

PASSWORD = "correct horse"
# A fixed start and a century of validity: verification happens at the real (or faked) time,
# which no test controls, so the certificates must be valid on any day the suite runs.
MADE_AT = dt.datetime.combine(DEMO_TODAY, dt.time(9), dt.UTC)
DAYS = 36500


def own_key(folder: Path, name: str, email: str | None = None) -> tuple[Path, Path]:
    """OUT.p12 and OUT.pem as `gantry keygen` writes them, with PASSWORD."""
    stem = name.split()[0].lower()
    return write_key(folder / f"{stem}.p12", PASSWORD, name, email, DAYS, MADE_AT)


def _key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def ca_issued_key(folder: Path, name: str) -> tuple[Path, Path]:
    """An organisation's CA (its certificate as CA.pem) and a signer's key it issued (.p12).

    Returns (the signer's .p12, the CA's .pem): what a site with a PKI has.
    """
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Example Corp Signing CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Corp"),
        ]
    )
    end = MADE_AT + dt.timedelta(days=DAYS)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(MADE_AT)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, name),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Corp"),
                ]
            )
        )
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(MADE_AT)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    p12 = folder / "corp.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", key, leaf, [ca], serialization.BestAvailableEncryption(PASSWORD.encode())
        )
    )
    ca_pem = folder / "corp-ca.pem"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return p12, ca_pem
