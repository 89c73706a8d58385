"""Carry a plan out at DataCite, one DOI at a time: a failure is reported and the others go on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from generator.registration.client import AlreadyTaken, DataCite, NoAnswer, RegistrationError
from generator.registration.plan import Step, step_for


@dataclass
class Outcome:
    """What a sync did."""

    done: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[Step, str]] = field(default_factory=list)

    def add(self, action: str) -> None:
        self.done[action] = self.done.get(action, 0) + 1


def sync(steps: list[Step], client: DataCite, echo: Callable[[str], None]) -> Outcome:
    """Make DataCite hold what each step says, reading the state back from every answer."""
    outcome = Outcome()
    for step in steps:
        if step.action == "none":
            outcome.add("unchanged")
            continue
        try:
            stored = _create(step, client) if step.action == "create" else client.update(step.doi, step.payload())
            state = stored.get("state")
            if state != step.expected_state:
                raise RegistrationError(f"DataCite left the DOI {state!r}, not {step.expected_state!r} as asked")
        except RegistrationError as error:
            outcome.failed.append((step, str(error)))
            echo(f"FAILED {step.doi} ({step.desired.source}): {error}")
            continue
        outcome.add(step.action)
        echo(f"{step.action:7} {step.doi}")
    return outcome


def _create(step: Step, client: DataCite) -> dict:
    """Create a DOI without ever minting it twice: a DOI that turns out to exist is read back and updated."""
    for _ in range(3):
        try:
            return client.create(step.doi, step.payload())
        except (AlreadyTaken, NoAnswer):
            # Either it existed already, or our create went through and its answer was lost.
            current = client.get(step.doi)
            if current is None:
                continue  # the create really did not happen: try again
            catch_up = step_for(step.desired, current)
            return current if catch_up.action == "none" else client.update(step.doi, catch_up.payload())
    raise RegistrationError("DataCite did not confirm the create after three tries")
