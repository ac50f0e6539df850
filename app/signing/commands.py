"""`gantry keygen`, `gantry sign` and `gantry verify`: the command line over app.signing."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from app.errors import GantryError
from app.plan import Plan
from app.signing.keys import DEFAULT_DAYS, load_certificates, load_key, write_key
from app.signing.meanings import check_meaning
from app.signing.record import record_signature
from app.signing.sign import sign_pdf
from app.signing.verify import verify_pdf

PASSWORD_ENV = "GANTRY_KEY_PASSWORD"
EXIT_OK, EXIT_REFUSED = 0, 1


def key_password(password_file: Path | None, key: Path, confirm: bool = False) -> str:
    """The key's password: from --password-file, else GANTRY_KEY_PASSWORD, else a prompt."""
    if password_file is not None:
        # The file's one line; a trailing newline is the editor's, not the password's.
        return password_file.read_text(encoding="utf-8").rstrip("\r\n")
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise GantryError(
            f"no password for {key.name}: give --password-file FILE or set {PASSWORD_ENV}"
        )
    password = getpass.getpass(f"Password for {key.name}: ")
    if confirm and getpass.getpass("The same password again: ") != password:
        raise GantryError("the two passwords differ; nothing was written")
    return password


def cmd_keygen(args: argparse.Namespace, out: TextIO) -> int:
    target: Path = args.out
    days = DEFAULT_DAYS if args.days is None else args.days
    password = key_password(args.password_file, target, confirm=True)
    p12, pem = write_key(target, password, args.name, args.email, days)
    print(
        f"Wrote {p12} (signing key, password-protected) and {pem} (its certificate, for "
        f"others' --trust): self-signed for {args.name.strip()}, valid {days} days.",
        file=out,
    )
    return EXIT_OK


def cmd_sign(args: argparse.Namespace, out: TextIO) -> int:
    meaning = check_meaning(args.meaning)  # refused before a password is asked for
    record = _record_target(args)
    plan = Plan.open(args.plan, schedule=False) if record else None
    try:
        release_id = plan.releases.find(args.release).id if plan else 0
        key = load_key(args.key, key_password(args.password_file, args.key))
        signed = sign_pdf(args.input, args.output, key, meaning, dt.datetime.now(dt.UTC), args.name)
        kind = "certified and signed" if signed.certified else "signed"
        print(
            f"{signed.signer} {kind} {args.output} in {signed.field} ({signed.meaning}, "
            f"{signed.signed_at:%Y-%m-%d %H:%M:%S} UTC); SHA-256 {signed.sha256}.",
            file=out,
        )
        if plan is not None:
            try:
                record_signature(
                    plan, release_id, args.document, args.document_id, args.revision, signed
                )
            except BaseException:
                # The command failed: no signed file is left that the plan does not know of.
                args.output.unlink(missing_ok=True)
                raise
            print(f"Recorded in {args.plan} under {args.release}.", file=out)
    finally:
        if plan is not None:
            plan.close()
    return EXIT_OK


def _record_target(args: argparse.Namespace) -> bool:
    """Whether to record in a plan; with --plan, every option recording needs must be there."""
    needed = {
        "--release": args.release,
        "--document": args.document,
        "--document-id": args.document_id,
        "--revision": args.revision,
    }
    if args.plan is None:
        given = [name for name, value in needed.items() if value is not None]
        if given:
            raise GantryError(f"{', '.join(given)} only go with --plan PLAN")
        return False
    missing = [name for name, value in needed.items() if value is None]
    if missing:
        raise GantryError(f"recording in {args.plan} needs {', '.join(missing)} as well")
    return True


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    report = verify_pdf(args.file, load_certificates(args.trust), dt.datetime.now(dt.UTC))
    if args.format == "json":
        json.dump(report.as_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for line in report.lines():
            print(line, file=out)
    return EXIT_OK if report.ok else EXIT_REFUSED
