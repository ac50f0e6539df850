"""`gantry sign` and `gantry verify`, cross-checked with poppler's pdfsig (NSS trust store).

Each document is signed twice (the first signature certifies it), then verified, tampered
with, appended to, signed with a wrong password or by someone nobody trusts.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from app import fonts
from app.cli import run
from tests.app.signing_keys import PASSWORD, ca_issued_key, own_key
from tests.app.signing_pdfs import block_box, plain_document, signature_document
from tests.processes import run_bounded

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdfsig") and shutil.which("certutil") and shutil.which("pdftoppm")),
    reason="poppler-utils and libnss3-tools (.ci/run installs them)",
)


def gantry(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n")
    return path


def sign(
    source: Path, target: Path, key: Path, meaning: str, secret: Path, *more: str
) -> tuple[int, str, str]:
    return gantry(
        "sign", source, target, "--key", key, "--meaning", meaning, "--password-file", secret,
        *more,
    )  # fmt: skip


def verify(pdf: Path, *trust: Path, form: str = "json") -> tuple[int, dict[str, Any], str]:
    args: list[str | Path] = ["verify", pdf, "--format", form]
    for cert in trust:
        args += ["--trust", cert]
    code, out, err = gantry(*args)
    return code, json.loads(out) if form == "json" else {"text": out}, err


@pytest.fixture
def signed_twice(tmp_path: Path, secret: Path) -> dict[str, Path]:
    """A document with three signer blocks, signed by the first two signers."""
    zoe, zoe_pem = own_key(tmp_path, "Zoë Ångström", "zoe@example.org")
    # NSS validates a signer only with an e-mail address in its certificate (pdfsig says
    # "Unknown issue with Certificate" otherwise), so both signers give one.
    lukasz, lukasz_pem = own_key(tmp_path, "Łukasz Nowak", "lukasz@example.org")
    doc = signature_document(tmp_path / "runbook.pdf")
    assert sign(doc, tmp_path / "one.pdf", zoe, "authored", secret)[0] == 0
    assert sign(tmp_path / "one.pdf", tmp_path / "two.pdf", lukasz, "reviewed", secret)[0] == 0
    return {"pdf": tmp_path / "two.pdf", "zoe": zoe_pem, "lukasz": lukasz_pem}


def pdfsig(pdf: Path, nss: Path) -> list[str]:
    """pdfsig's lines; it exits 0 whatever it finds, so callers read what it says."""
    result = run_bounded(["pdfsig", "-nssdir", f"sql:{nss}", pdf], timeout=60, check=True)
    return result.stdout.decode().splitlines()


def nss_trusting(folder: Path, peers: Sequence[Path] = (), cas: Sequence[Path] = ()) -> Path:
    """An NSS database trusting `peers` (self-signed signing certificates) and `cas`.

    NSS takes no end-entity certificate as a CA: a self-signed signer is a trusted peer
    ("P"), an issuing CA a trusted CA ("CT,C,C").
    """
    nss = folder / "nss"
    nss.mkdir()
    run_bounded(["certutil", "-N", "--empty-password", "-d", f"sql:{nss}"], 60, check=True)
    for n, (cert, flags) in enumerate([(p, "P,P,P") for p in peers] + [(c, "CT,C,C") for c in cas]):
        run_bounded(
            ["certutil", "-A", "-n", f"cert{n}", "-t", flags, "-i", cert, "-d", f"sql:{nss}"],
            60,
            check=True,
        )
    return nss


def signatures_in(lines: list[str]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for line in lines:
        if line.startswith("Signature #"):
            found.append({})
        elif line.strip().startswith("- ") and ":" in line and found:
            key, _, value = line.strip()[2:].partition(":")
            found[-1][key.strip()] = value.strip()
    return found


def test_two_signatures_verify_intact_and_trusted(signed_twice: dict[str, Path]) -> None:
    code, report, err = verify(signed_twice["pdf"], signed_twice["zoe"], signed_twice["lukasz"])
    assert (code, err, report["problems"]) == (0, "", [])
    first, second = report["signatures"]
    assert (first["field"], first["signer"], first["email"]) == (
        "Signature1",
        "Zoë Ångström",
        "zoe@example.org",
    )
    assert (first["meaning"], second["meaning"]) == ("authored", "reviewed")
    assert first["certification"].startswith("certifies the document")
    assert second["certification"] == ""
    assert all(s["intact"] and s["valid"] and s["trusted"] for s in (first, second))
    assert not first["whole_file"] and first["changes_allowed"] is True
    assert "Signature2" in first["added_after"]
    assert second["whole_file"]
    assert first["signed_at"].endswith("+00:00")


def test_the_table_says_the_same_and_trust_is_not_checked_without_trust(
    signed_twice: dict[str, Path],
) -> None:
    code, report, _ = verify(signed_twice["pdf"], form="table")
    text = report["text"]
    assert code == 0
    assert "Signature1: Zoë Ångström <zoe@example.org>" in text
    assert text.count("not checked (no --trust given)") == 2
    assert "2 signatures, all intact, no disallowed changes." in text


@needs_poppler
def test_pdfsig_agrees(signed_twice: dict[str, Path], tmp_path: Path) -> None:
    nss = nss_trusting(tmp_path, peers=[signed_twice["zoe"], signed_twice["lukasz"]])
    first, second, third = signatures_in(pdfsig(signed_twice["pdf"], nss))
    for sig in (first, second):
        assert sig["Signature Validation"] == "Signature is Valid."
        assert sig["Certificate Validation"] == "Certificate is Trusted."
        assert sig["Signature Type"] == "ETSI.CAdES.detached"  # the PAdES subfilter
    assert first["Signer Certificate Common Name"] == "Zoë Ångström"
    assert second["Signer Certificate Common Name"] == "Łukasz Nowak"
    assert "Signature Validation" not in third  # the change board's field is still empty


@needs_poppler
def test_a_flipped_byte_breaks_both_signatures_for_both_readers(
    signed_twice: dict[str, Path], tmp_path: Path
) -> None:
    pdf = signed_twice["pdf"]
    data = bytearray(pdf.read_bytes())
    # A byte of the page's content stream: inside what both signatures cover.
    at = data.index(b"stream", data.index(b"/Contents")) + 40
    data[at] ^= 0x01
    pdf.write_bytes(bytes(data))
    code, report, _ = verify(pdf, signed_twice["zoe"], signed_twice["lukasz"])
    assert code == 1
    assert [s["intact"] for s in report["signatures"]] == [False, False]
    assert report["problems"] == [
        "Signature1: the file was changed inside what this signature covers",
        "Signature2: the file was changed inside what this signature covers",
    ]  # and no word of trust: a broken signature's signer is not checked
    assert [s["trusted"] for s in report["signatures"]] == [None, None]
    nss = nss_trusting(tmp_path, peers=[signed_twice["zoe"], signed_twice["lukasz"]])
    found = signatures_in(pdfsig(pdf, nss))
    assert [s.get("Signature Validation") for s in found[:2]] == ["Digest Mismatch."] * 2


def test_new_page_content_after_signing_breaks_the_certification(
    signed_twice: dict[str, Path],
) -> None:
    pdf = signed_twice["pdf"]
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    stream = writer.add_object(generic.StreamObject(stream_data=b"0 0 m 500 700 l S"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)
    pdf.write_bytes(out.getvalue())
    code, report, _ = verify(pdf, signed_twice["zoe"], signed_twice["lukasz"])
    assert code == 1
    assert all(s["intact"] for s in report["signatures"])  # what they cover is untouched
    assert [s["changes_allowed"] for s in report["signatures"]] == [False, False]
    disallowed = re.compile(
        r"Signature[12]: what was added after it is not allowed \(DocMDP\): changes other than "
        r"form filling and signatures \(objects [\d, ]+ changed\)"
    )
    assert len(report["problems"]) == 2
    assert all(disallowed.fullmatch(p) for p in report["problems"])
    code, text, _ = verify(pdf, form="table")
    assert "NOT allowed" in text["text"]


def test_a_signer_nobody_trusts_fails_with_trust(signed_twice: dict[str, Path]) -> None:
    code, report, _ = verify(signed_twice["pdf"], signed_twice["zoe"])
    assert code == 1
    assert [s["trusted"] for s in report["signatures"]] == [True, False]
    assert report["problems"] == [
        "Signature2: Łukasz Nowak is not trusted: it chains to none of the --trust "
        "certificates (chain constraints failure)"
    ]


def test_a_wrong_password_writes_nothing(tmp_path: Path) -> None:
    key, _pem = own_key(tmp_path, "Kim Lee")
    doc = signature_document(tmp_path / "doc.pdf")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not it")
    code, out, err = sign(doc, tmp_path / "out.pdf", key, "authored", wrong)
    assert (code, out) == (1, "")
    assert err == "gantry: the password for kim.p12 is wrong\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "doc.pdf",
        "kim.p12",
        "kim.pem",
        "wrong.txt",
    ]


def test_a_damaged_key_writes_nothing(tmp_path: Path, secret: Path) -> None:
    key = tmp_path / "broken.p12"
    key.write_bytes(b"\x30\x82\x01\x00 not a key")
    doc = signature_document(tmp_path / "doc.pdf")
    code, _, err = sign(doc, tmp_path / "out.pdf", key, "authored", secret)
    assert code == 1 and "broken.p12 is not a PKCS#12 key file, or it is damaged" in err
    assert not (tmp_path / "out.pdf").exists()


def test_meanings_come_from_the_list_and_match_the_field(tmp_path: Path, secret: Path) -> None:
    key, _pem = own_key(tmp_path, "Kim Lee")
    doc = signature_document(tmp_path / "doc.pdf")
    code, _, err = sign(doc, tmp_path / "out.pdf", key, "lgtm", secret)
    assert code == 1 and "choose one of authored, reviewed, approved" in err
    code, _, err = sign(doc, tmp_path / "out.pdf", key, "approved", secret)
    assert code == 1
    assert "Signature1) is for Release manager: authored; sign it with --meaning authored" in err
    assert not (tmp_path / "out.pdf").exists()


def test_no_empty_field_left_is_refused(tmp_path: Path, secret: Path) -> None:
    key, _pem = own_key(tmp_path, "Kim Lee")
    doc = signature_document(tmp_path / "doc.pdf", signers=(("Release manager", "authored"),))
    assert sign(doc, tmp_path / "one.pdf", key, "authored", secret)[0] == 0
    code, _, err = sign(tmp_path / "one.pdf", tmp_path / "two.pdf", key, "approved", secret)
    assert code == 1 and "no empty signature field left: all 1 are signed" in err
    assert not (tmp_path / "two.pdf").exists()


def test_a_foreign_pdf_gets_an_invisible_field_once(tmp_path: Path, secret: Path) -> None:
    key, pem = own_key(tmp_path, "Kim Lee")
    doc = plain_document(tmp_path / "foreign.pdf")
    code, out, _ = sign(doc, tmp_path / "signed.pdf", key, "reviewed", secret, "--name", "K. Lee")
    assert code == 0 and "K. Lee certified and signed" in out
    code, report, _ = verify(tmp_path / "signed.pdf", pem)
    assert code == 0
    assert [(s["field"], s["signer"]) for s in report["signatures"]] == [("Signature1", "Kim Lee")]
    # Certified now, with no field left: a new one would break the certification.
    code, _, err = sign(tmp_path / "signed.pdf", tmp_path / "again.pdf", key, "approved", secret)
    assert code == 1 and "no empty signature field left" in err


def test_a_pdf_without_signatures_is_refused(tmp_path: Path) -> None:
    code, report, _ = verify(signature_document(tmp_path / "doc.pdf"))
    assert code == 1 and report["problems"] == ["doc.pdf has no signatures"]


@needs_poppler
def test_a_signer_from_an_organisations_ca(tmp_path: Path, secret: Path) -> None:
    key, ca = ca_issued_key(tmp_path, "Ana Ruiz")
    _other, other_pem = own_key(tmp_path, "Kim Lee")
    doc = signature_document(tmp_path / "doc.pdf")
    assert sign(doc, tmp_path / "one.pdf", key, "authored", secret)[0] == 0
    code, report, _ = verify(tmp_path / "one.pdf", ca)
    assert code == 0 and report["signatures"][0]["trust_detail"].startswith("chains to ")
    assert "Example Corp Signing CA" in report["signatures"][0]["trust_detail"]
    assert verify(tmp_path / "one.pdf", other_pem)[0] == 1
    (sig,) = signatures_in(pdfsig(tmp_path / "one.pdf", nss_trusting(tmp_path, cas=[ca])))[:1]
    assert sig["Signature Validation"] == "Signature is Valid."
    assert sig["Certificate Validation"] == "Certificate is Trusted."


@needs_poppler
def test_the_appearance_is_drawn_in_each_signed_block(
    signed_twice: dict[str, Path], tmp_path: Path
) -> None:
    """The rendered page has ink inside the two signed boxes and none in the empty one."""
    run_bounded(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            signed_twice["pdf"],
            tmp_path / "p",
        ],
        timeout=60,
        check=True,
    )
    (png,) = tmp_path.glob("p-*.png")
    page = Image.open(png).convert("L")
    height = page.height
    scale = 100 / 72

    def ink(n: int) -> int:
        x1, y1, x2, y2 = block_box(n)
        inner = (x1 + 4, y1 + 4, x2 - 4, y2 - 4)  # inside the drawn frame
        box = tuple(
            round(v * scale)
            for v in (inner[0], height / scale - inner[3], inner[2], height / scale - inner[1])
        )
        return sum(page.crop(box).histogram()[:128])  # pixels darker than mid-grey

    assert ink(0) > 200 and ink(1) > 200
    assert ink(2) == 0
    # Glyphs at their true advances: with DejaVu's 2048 units per em unscaled, pyHanko sets
    # them at wrong advances (a line came out about 1.5 times as wide).
    x1, y1, x2, y2 = block_box(0)
    crop = (x1 + 4, height / scale - y2 + 4, x2 - 4, height / scale - y1 - 4)
    inked = page.crop(tuple(round(v * scale) for v in crop)).point(lambda p: 255 if p < 128 else 0)
    left, _top, right, _bottom = inked.getbbox() or (0, 0, 0, 0)
    lines = ("Signed by Zoë Ångström", "Meaning: authored", "2026-11-30 14:05:00 UTC")
    widest = max(fonts.text_width(line, 9) for line in lines)
    assert abs((right - left) / scale - widest) < 0.08 * widest
    listing = run_bounded(["pdffonts", signed_twice["pdf"]], timeout=60, check=True)
    rows = [line.split() for line in listing.stdout.decode().splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows)  # every font embedded (emb column)


def test_a_file_that_is_no_pdf_is_refused_in_one_sentence(tmp_path: Path, secret: Path) -> None:
    key, _pem = own_key(tmp_path, "Kim Lee")
    text = tmp_path / "notes.pdf"
    text.write_text("not a PDF")
    code, _, err = gantry("verify", text)
    assert (code, err) == (1, f"gantry: {text} cannot be read as a PDF (Illegal PDF header)\n")
    code, _, err = sign(text, tmp_path / "out.pdf", key, "authored", secret)
    assert code == 1 and err.startswith(f"gantry: {text} is not a PDF that can be signed")
    assert not (tmp_path / "out.pdf").exists()
