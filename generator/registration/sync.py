"""Carry a plan out at DataCite, one DOI at a time: a failure is reported and the others go on.

Each DOI's outcome is what this run did, read back from DataCite's answers: a create refused as
"already taken" whose DOI holds what we would send (another run made it) is "already registered",
not "created". A change made at DataCite is never overwritten unless `overwrite_remote` is set.
Ctrl-C is deferred until the current DOI is done, so the summary tells exactly what DataCite holds.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.registration.client import AlreadyTaken, DataCite, NoAnswer, RegistrationError
from generator.registration.plan import DRIFT_LABELS, Step, step_for

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    """What a sync did."""

    done: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[Step, str]] = field(default_factory=list)
    interrupted: bool = False

    def add(self, action: str) -> None:
        self.done[action] = self.done.get(action, 0) + 1


def sync(steps: list[Step], client: DataCite, echo: Callable[[str], None], *, overwrite_remote: bool = False,
         progress: Progress | None = None) -> Outcome:
    """Make DataCite hold what each step says, reading the state back from every answer."""
    outcome = Outcome()
    work = [step for step in steps if step.action != "none"]
    outcome.done["unchanged"] = len(steps) - len(work)
    with _deferred_interrupt() as interrupted:
        for number, step in enumerate(work, 1):
            if interrupted():
                outcome.interrupted = True
                break
            if step.theirs and not overwrite_remote:
                fields = ", ".join(step.theirs)
                message = (f"{DRIFT_LABELS[step.drift]} ({fields}) since the register last wrote it; nothing was "
                           "sent. Copy the change into the record, or run sync with --overwrite-remote to replace it")
                outcome.failed.append((step, message))
                echo(f"STOPPED {step.doi} ({step.desired.source}): {message}")
                continue
            try:
                action, stored = _carry_out(step, client)
                state = stored.get("state")
                if state != step.expected_state:
                    raise RegistrationError(f"DataCite left the DOI {state!r}, not {step.expected_state!r} as asked")
            except RegistrationError as error:
                outcome.failed.append((step, str(error)))
                echo(f"FAILED {step.doi} ({step.desired.source}): {error}")
            else:
                outcome.add(action)
                echo(f"{action:7} {step.doi}")
            if progress:
                progress(number, len(work))
    return outcome


def _carry_out(step: Step, client: DataCite) -> tuple[str, dict[str, Any]]:
    if step.action == "create":
        return _create(step, client)
    try:
        return step.action, client.update(step.doi, step.payload())
    except NoAnswer:
        # The update may have been applied: DataCite's own record says whether it was.
        current = client.get(step.doi)
        if current is not None and step_for(step.desired, current).action == "none":
            return step.action, current
        raise


def _create(step: Step, client: DataCite) -> tuple[str, dict[str, Any]]:
    """Create a DOI without ever minting it twice: a DOI that turns out to exist is read back."""
    for _ in range(3):
        try:
            return "create", client.create(step.doi, step.payload())
        except (AlreadyTaken, NoAnswer) as error:
            # It existed already (another run, another repository), or our create went through and its answer was lost.
            found = client.lookup(step.doi)
            if found is None:
                if isinstance(error, AlreadyTaken):
                    raise RegistrationError(f"{error}: the DOI belongs to another repository, which keeps it "
                                            "hidden; choose another DOI for this record", 422) from None
                continue  # the create really did not happen: try again
            if found.repository and found.repository != client.repository:
                raise RegistrationError(f"{error}: the DOI belongs to the DataCite repository {found.repository}, "
                                        "not to this one; choose another DOI for this record", 422) from None
            catch_up = step_for(step.desired, found.attributes)
            if catch_up.action == "none":
                # Our lost create, or another run's: either way DataCite holds what we would send.
                return ("create" if isinstance(error, NoAnswer) else "already registered"), found.attributes
            if catch_up.theirs:
                raise RegistrationError(f"{error}, and it holds other metadata ({', '.join(catch_up.theirs)}); "
                                        "nothing was overwritten", 422) from None
            return "update", client.update(step.doi, catch_up.payload())
    raise RegistrationError("DataCite did not confirm the create after three tries")


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[Callable[[], bool]]:
    """Ctrl-C (SIGINT) asks to stop after the current request instead of abandoning it half-way."""
    asked = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: asked.append(True))
    except ValueError:  # not in the main thread: nothing to defer
        yield lambda: False
        return
    try:
        yield lambda: bool(asked)
    finally:
        signal.signal(signal.SIGINT, previous)
