"""Errors that reach the user as one clear sentence (the CLI prints them and exits 1)."""

from pathlib import Path


class GantryError(Exception):
    """Input refused; the message says what and where, and nothing was changed."""


class PlanOpenError(GantryError):
    """The plan file cannot be opened as asked (missing, foreign, corrupt, too new)."""


class PlanDamagedError(PlanOpenError):
    """The plan file is damaged: SQLite, or Gantry decoding a value, cannot read what it holds."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            f"{path} is damaged and cannot be read ({detail}); restore it from a backup: "
            "one of its .before-upgrade copies beside it, or another copy of the plan."
        )


class PlanLockedError(GantryError):
    """Another Gantry holds the plan's lock and the action needs to write."""


class ReadOnlyPlanError(GantryError):
    """A write was attempted on a plan opened read-only."""


class ValidationError(GantryError):
    """User input broke a rule of the domain (unknown release, cycle, bad value)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))
