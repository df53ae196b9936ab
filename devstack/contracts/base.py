"""What a platform contract is to the observer: something that checks one exchange."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from devstack.contracts.exchange import Exchange


@dataclass
class Checked:
    operation: str  # the contract's own name for the call ("POST /2/tweets", "youtube.videos.insert")
    request: list[str] = field(default_factory=list)  # violations by the request (our code)
    response: list[str] = field(default_factory=list)  # violations by the answer (the sandbox)
    messages: int = 2  # request and answer; 1 when the answer was not readable (streamed)


class Contract(Protocol):
    platform: str
    source: str  # where the contract comes from: a URL with a commit, or an installed package
    version: str  # the contract's own version string

    def check(self, exchange: Exchange) -> Checked | None:
        """The violations of one exchange; None when the contract does not describe the call."""
