"""`gantry keygen` and loading keys: a self-signed signing certificate in a protected PKCS#12."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.cli import run
from app.errors import GantryError
from app.signing.keys import SELF_SIGNED_LABEL, load_key, make_certificate
from tests.app.signing_keys import MADE_AT, PASSWORD, ca_issued_key, own_key


def gantry(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_keygen_writes_a_protected_key_and_its_certificate(tmp_path: Path) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n")
    code, out, err = gantry(
        "keygen", tmp_path / "zoe.p12", "--name", "Zoë Ångström", "--email", "zoe@example.org",
        "--days", "30", "--password-file", secret,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "zoe.p12" in out and "zoe.pem" in out
    data = (tmp_path / "zoe.p12").read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, None)  # not readable without the password
    key, cert, _ = pkcs12.load_key_and_certificates(data, PASSWORD.encode())
    assert key is not None and cert is not None
    assert x509.load_pem_x509_certificate((tmp_path / "zoe.pem").read_bytes()) == cert
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign and not usage.value.key_encipherment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.EMAIL_PROTECTION]
    subject = {a.oid: a.value for a in cert.subject}
    assert subject[NameOID.COMMON_NAME] == "Zoë Ångström"
    assert subject[NameOID.EMAIL_ADDRESS] == "zoe@example.org"
    assert subject[NameOID.ORGANIZATION_NAME] == SELF_SIGNED_LABEL
    assert cert.issuer == cert.subject
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == dt.timedelta(days=30)


def test_validity_counts_from_the_given_now() -> None:
    _key, cert = make_certificate("Łukasz Nowak", None, 3 * 365, MADE_AT)
    assert cert.not_valid_before_utc == MADE_AT
    assert cert.not_valid_after_utc == MADE_AT + dt.timedelta(days=3 * 365)


def test_keygen_takes_the_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GANTRY_KEY_PASSWORD", "from env")
    assert gantry("keygen", tmp_path / "k.p12", "--name", "Kim")[0] == 0
    assert load_key(tmp_path / "k.p12", "from env").common_name == "Kim"


def test_keygen_without_a_password_source_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GANTRY_KEY_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal to prompt on
    code, _, err = gantry("keygen", tmp_path / "k.p12", "--name", "Kim")
    assert code == 1 and "--password-file" in err
    assert list(tmp_path.iterdir()) == []


def test_keygen_never_overwrites_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p12, _pem = own_key(tmp_path, "Kim Lee")
    before = p12.read_bytes()
    monkeypatch.setenv("GANTRY_KEY_PASSWORD", "other")
    code, _, err = gantry("keygen", p12, "--name", "Someone Else")
    assert code == 1 and "already exists" in err
    assert p12.read_bytes() == before


def test_a_wrong_password_and_a_damaged_file_are_told_apart(tmp_path: Path) -> None:
    p12, _pem = own_key(tmp_path, "Kim Lee")
    with pytest.raises(GantryError, match=r"^the password for kim.p12 is wrong$"):
        load_key(p12, "wrong")
    damaged = tmp_path / "damaged.p12"
    damaged.write_bytes(p12.read_bytes()[:200])
    with pytest.raises(GantryError, match="damaged"):
        load_key(damaged, PASSWORD)


def test_a_key_from_an_organisations_ca_loads_the_same(tmp_path: Path) -> None:
    p12, _ca = ca_issued_key(tmp_path, "Ana Ruiz")
    key = load_key(p12, PASSWORD)
    assert key.common_name == "Ana Ruiz"
    assert len(key.fingerprint) == 64
