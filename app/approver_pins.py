"""Approval PINs: a salted scrypt hash per person, and the check that confirms who signs.

A decision on a change asks the approver to type their name and PIN again (re-authentication
before a signature, as 21 CFR Part 11 asks). The plan keeps only the salt and the hash; a
copy of the plan file does not give the PINs away without a search per person, and scrypt
makes each guess cost memory and time.
"""

from __future__ import annotations

import hashlib
import hmac
import os

MIN_LENGTH = 4
MAX_LENGTH = 64
# scrypt's cost: 16 MiB and ~50 ms per check on a laptop; a person signs a few times a day.
_N, _R, _P = 2**14, 8, 1


def pin_problem(pin: str) -> str | None:
    """Why a new PIN is not acceptable (None: it is)."""
    if len(pin) < MIN_LENGTH:
        return f"a PIN has at least {MIN_LENGTH} characters"
    if len(pin) > MAX_LENGTH:
        return f"a PIN has at most {MAX_LENGTH} characters"
    if pin != pin.strip():
        return "a PIN does not start or end with a space"
    return None


def new_salt() -> str:
    return os.urandom(16).hex()


def pin_hash(pin: str, salt: str) -> str:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=bytes.fromhex(salt), n=_N, r=_R, p=_P, dklen=32
    ).hex()


def pin_matches(pin: str, salt: str, stored: str) -> bool:
    """Whether `pin` is the PIN whose hash is `stored` (False when none is set)."""
    if not salt or not stored:
        return False
    return hmac.compare_digest(pin_hash(pin, salt), stored)
