"""What a signature means: the controlled list a signer chooses from."""

from __future__ import annotations

from app.errors import ValidationError

# Compliance reads a signature by its meaning, so free text ("ok", "lgtm") is refused.
MEANINGS = ("authored", "reviewed", "approved")


def check_meaning(text: str) -> str:
    """The meaning as stored (lower case); a word off the list is refused, naming the list."""
    meaning = text.strip().lower()
    if meaning not in MEANINGS:
        raise ValidationError(
            f"'{text}' is not a signature meaning; choose one of {', '.join(MEANINGS)}"
        )
    return meaning
