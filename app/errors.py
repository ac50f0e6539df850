"""Errors that reach the user as one clear sentence (the CLI prints them and exits 1)."""


class GantryError(Exception):
    """Input refused; the message says what and where, and nothing was changed."""


class PlanOpenError(GantryError):
    """The plan file cannot be opened as asked (missing, foreign, corrupt, too new)."""


class PlanLockedError(GantryError):
    """Another Gantry holds the plan's lock and the action needs to write."""


class ReadOnlyPlanError(GantryError):
    """A write was attempted on a plan opened read-only."""


class ValidationError(GantryError):
    """User input broke a rule of the domain (unknown release, cycle, bad value)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))
