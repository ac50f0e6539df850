"""Signing keys: a self-signed certificate in a password-protected PKCS#12 file, and loading one.

Sites without a PKI make their own key with `gantry keygen`; the certificate says plainly in
its organisation that no authority vouches for it, and its PEM copy is what colleagues pass
to `gantry verify --trust`. A key issued by an organisation's CA loads the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.errors import GantryError

SELF_SIGNED_LABEL = "Gantry self-signed (no PKI)"
DEFAULT_DAYS = 3 * 365


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A loaded PKCS#12: pyHanko's signer and the certificate it signs with."""

    signer: SimpleSigner
    certificate: x509.Certificate

    @property
    def common_name(self) -> str:
        return subject_text(self.certificate, NameOID.COMMON_NAME)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), hex: what the plan records for a signature."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()


def subject_text(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def make_certificate(
    name: str, email: str | None, days: int, now: dt.datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new P-256 key and its self-signed signing certificate, valid `days` from `now`.

    P-256 rather than RSA 3072: the same strength, made at once, and both pyHanko and
    poppler (NSS) verify it.
    """
    if not name.strip():
        raise GantryError("--name must not be empty: it is the signer's name on the certificate")
    if days < 1:
        raise GantryError("--days must be at least 1")
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name.strip())]
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email.strip()))
    attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, SELF_SIGNED_LABEL))
    subject = x509.Name(attributes)
    start = now.astimezone(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation in RFC 5280's older name
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email.strip())]), critical=False
        )
    return key, builder.sign(key, hashes.SHA256())


def write_key(
    out: Path,
    password: str,
    name: str,
    email: str | None = None,
    days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
) -> tuple[Path, Path]:
    """Write OUT.p12 (key and certificate, protected by `password`) and OUT.pem beside it
    (the certificate alone, for others' --trust); returns both paths.

    An existing file is never overwritten: a signing key lost that way cannot be recovered.
    """
    if out.suffix.lower() not in (".p12", ".pfx"):
        raise GantryError(f"{out}: a signing key is written as a .p12 file")
    pem = out.with_suffix(".pem")
    for path in (out, pem):
        if path.exists():
            raise GantryError(f"{path} already exists; choose another name for the new key")
    if not password:
        raise GantryError("the key needs a password; an unprotected signing key is refused")
    key, certificate = make_certificate(name, email, days, now or dt.datetime.now(dt.UTC))
    data = pkcs12.serialize_key_and_certificates(
        name.strip().encode(),
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    _write_new(out, data)
    _write_new(pem, certificate.public_bytes(serialization.Encoding.PEM))
    return out, pem


def _write_new(path: Path, data: bytes) -> None:
    """Write through a temporary file beside `path`, renamed only once it is complete."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def load_key(path: Path, password: str) -> SigningKey:
    """The signer in a PKCS#12 file; a wrong password and a damaged file are told apart."""
    data = path.read_bytes()
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, password.encode())
    except ValueError:
        if _is_pkcs12(data):
            raise GantryError(f"the password for {path.name} is wrong") from None
        raise GantryError(f"{path.name} is not a PKCS#12 key file, or it is damaged") from None
    if key is None or certificate is None:
        raise GantryError(f"{path.name} holds no private key with its certificate")
    asn1_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    chain = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # untyped upstream
    chain.register_multiple([_asn1(c) for c in others])
    signer = SimpleSigner(
        signing_cert=_asn1(certificate), signing_key=asn1_key, cert_registry=chain
    )
    return SigningKey(signer, certificate)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _is_pkcs12(data: bytes) -> bool:
    """Whether `data` is a well-formed PKCS#12 container (so a failed load was the password)."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx["auth_safe"]["content"].native  # noqa: B018 (parsing it is the check)
    except (ValueError, TypeError, KeyError):
        return False
    return True


def load_certificates(paths: list[Path]) -> list[x509.Certificate]:
    """Certificates to trust, from PEM (one or several) or DER files."""
    found: list[x509.Certificate] = []
    for path in paths:
        data = path.read_bytes()
        try:
            if b"-----BEGIN" in data:
                found.extend(x509.load_pem_x509_certificates(data))
            else:
                found.append(x509.load_der_x509_certificate(data))
        except ValueError:
            raise GantryError(f"{path} is not a certificate (PEM or DER)") from None
    return found
