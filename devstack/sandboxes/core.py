"""What every platform sandbox shares: tokens, faults on demand, recorded posts.

The sandboxes are real HTTP servers implementing each platform's API as
reference/platform-apis.md describes, so the publishers' real HTTP code runs
against them. Tests and the local stack steer them through `/__sandbox/*`:
inject faults (rate limits, 5xx, expired tokens, duplicates, processing
failures, a create that hangs after it took effect) and read what was posted
(and, once a post is deleted at the platform, what was taken down).

Tokens are stateless so seeding needs no round trip: an access token is
`sbx-at.<platform>.<subject>.<expiry epoch>.<nonce>`, a refresh token
`sbx-rt.<platform>.<subject>.<nonce>`. Refresh tokens rotate: each works once.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import flask


def mint_tokens(platform: str, subject: str, lifetime_s: int = 3600) -> tuple[str, str, int]:
    """(access token, refresh token, expiry epoch) the sandbox will accept."""
    expiry = int(time.time()) + lifetime_s
    nonce = secrets.token_hex(6)
    return (f"sbx-at.{platform}.{subject}.{expiry}.{nonce}",
            f"sbx-rt.{platform}.{subject}.{secrets.token_hex(6)}", expiry)


@dataclass
class Fault:
    kind: str  # rate_limit | server_error | expired_token | duplicate | processing_failed | hold | lag | revoked | forbidden | cannot_load
    remaining: int = 1
    params: dict[str, Any] = field(default_factory=dict)


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.faults: dict[tuple[str, str], list[Fault]] = {}
            self.posts: list[dict[str, Any]] = []
            self.deleted: list[dict[str, Any]] = []  # posts taken down: gone from `posts`
            self.media: dict[str, dict[str, Any]] = {}
            self.used_refresh: set[str] = set()
            self.revoked: set[tuple[str, str]] = set()
            self.calls: list[tuple[str, str]] = []
            self.counter = 1000
            # The connect flow (devstack/sandboxes/oauth.py): authorization codes, revocations, and
            # the Pages / Instagram accounts each sandbox Meta user manages.
            self.oauth: dict[str, Any] = {"codes": {}, "revocations": [], "pages": {}}
            # A cap on the lifetime of the access tokens `refresh` mints (None: each platform's
            # own). Platforms hand out access tokens of hours (X 2 h, Snapchat 30 min) that expire
            # while publishes are in flight; the crash soak shortens them to seconds so expiries,
            # and refreshes racing over one single-use refresh token, happen within a run.
            self.token_lifetime_s: int | None = None

    def next_id(self) -> str:
        with self.lock:
            self.counter += 1
            return f"{int(time.time() * 1000)}{self.counter}"

    def add_fault(self, platform: str, operation: str, fault: Fault) -> None:
        with self.lock:
            self.faults.setdefault((platform, operation), []).append(fault)

    def take_fault(self, platform: str, operation: str) -> Fault | None:
        with self.lock:
            self.calls.append((platform, operation))
            for key in ((platform, operation), (platform, "*")):
                queue = self.faults.get(key) or []
                while queue and queue[0].remaining <= 0:
                    queue.pop(0)
                if queue:
                    fault = queue[0]
                    fault.remaining -= 1
                    return fault
            return None

    # -- tokens ---------------------------------------------------------------------
    def subject_of(self, platform: str, header: str | None) -> str | None:
        """The subject of a valid bearer/OAuth token for this platform, else None."""
        if not header:
            return None
        token = header.split(" ", 1)[-1].strip()
        parts = token.split(".")
        if len(parts) != 5 or parts[0] != "sbx-at" or parts[1] != platform:
            return None
        if not parts[3].isdigit() or int(parts[3]) <= time.time():
            return None
        if (platform, parts[2]) in self.revoked:
            return None
        return parts[2]

    def refresh(self, platform: str, refresh_token: str, lifetime_s: int = 7200) -> tuple[str, str, int] | None:
        parts = refresh_token.split(".")
        with self.lock:
            if (len(parts) != 4 or parts[0] != "sbx-rt" or parts[1] != platform
                    or refresh_token in self.used_refresh or (platform, parts[2]) in self.revoked):
                return None
            self.used_refresh.add(refresh_token)  # rotation: each refresh token works once
        if self.token_lifetime_s is not None:
            lifetime_s = min(lifetime_s, self.token_lifetime_s)
        access, new_refresh, expiry = mint_tokens(platform, parts[2], lifetime_s)
        return access, new_refresh, lifetime_s

    def record_post(self, platform: str, subject: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            post = {"id": self.next_id(), "platform": platform, "subject": subject,
                    "createdAt": time.time(), **fields}
            self.posts.append(post)
            return post

    def delete_post(self, platform: str, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        """Take the platform's first post that `match`es down: it leaves `posts` (so every listing,
        lookup and page of the platform no longer shows it) for `deleted`. None if there is none."""
        with self.lock:
            post = next((p for p in self.posts if p["platform"] == platform and match(p)), None)
            if post is None:
                return None
            self.posts.remove(post)
            post["deletedAt"] = time.time()
            self.deleted.append(post)
            return post


def control_blueprint(state: SandboxState) -> flask.Blueprint:
    bp = flask.Blueprint("sandbox_control", __name__)

    @bp.post("/__sandbox/faults")
    def add_fault():
        body = flask.request.get_json(force=True)
        state.add_fault(body["platform"], body.get("operation", "*"),
                        Fault(body["kind"], int(body.get("times", 1)), body.get("params") or {}))
        return {"ok": True}

    @bp.post("/__sandbox/revoke")
    def revoke():
        body = flask.request.get_json(force=True)
        state.revoked.add((body["platform"], body["subject"]))
        return {"ok": True}

    @bp.get("/__sandbox/posts")
    def posts():
        platform = flask.request.args.get("platform")
        # `?deleted=1`: the posts taken down instead of the live ones.
        source = state.deleted if flask.request.args.get("deleted") in ("1", "true") else state.posts
        with state.lock:
            found = [p for p in source if platform in (None, p["platform"])]
        return {"posts": found}

    @bp.get("/__sandbox/oauth/revocations")
    def revocations():
        with state.lock:
            return {"revocations": list(state.oauth["revocations"])}

    @bp.get("/__sandbox/calls")
    def calls():
        return {"calls": [list(c) for c in state.calls]}

    @bp.post("/__sandbox/reset")
    def reset():
        state.reset()
        return {"ok": True}

    return bp


def hold_if_asked(fault: Fault | None) -> None:
    """The `hold` fault: the platform did the work but the answer never arrives in time."""
    if fault is not None and fault.kind == "hold":
        time.sleep(float(fault.params.get("seconds", 30)))


def listing_cutoff(fault: Fault | None) -> float | None:
    """The `lag` fault, on a listing: the epoch after which posts are not listed yet, else None.

    Platforms list a new post a while after the create answered: their timelines and search
    are eventually consistent, and a lookup made right after a create can miss the post. While
    the fault lasts (each listing uses one of its `times`), posts younger than its `seconds`
    (10 by default) are left out of the listing; the post itself exists (a create of the same
    content is still refused as a duplicate)."""
    if fault is None or fault.kind != "lag":
        return None
    return time.time() - float(fault.params.get("seconds", 10))


# A fault kind's answer: the error response it stands for, given the fault and the operation it was
# injected for, or None to leave the fault to the route (hold, processing_failed, ...).
Answer = Callable[[Fault, str], "flask.Response | None"]
# Who a route acts for: (subject, None), or (None, the platform's refusal).
Authorize = Callable[..., "tuple[str | None, flask.Response | None]"]


class Gate:
    """The two checks most sandbox routes open with, in the platforms' order: a fault injected for
    the operation first (`answers` maps each fault kind to the platform's error for it; a kind
    without an answer is left to the route), then the caller's token (`authorize`).

    One copy of what every platform sandbox did by hand: `gate.fault(op)` is the former
    per-platform `fault_response(op)`; `gate(op, *args)` is that followed by the token check,
    `(fault, subject, refusal)`. `overrides` answer a kind differently for one call.

    A kind that neither an answer nor the route knows (`pass`) lets its calls through as they
    are: queued before another fault of the operation, it saves that one for a later call (the
    third create of a thread, say)."""

    def __init__(self, state: SandboxState, platform: str, answers: dict[str, Answer],
                 authorize: Authorize | None = None) -> None:
        self.state, self.platform, self.answers, self.authorize = state, platform, answers, authorize

    def answer(self, fault: Fault | None, operation: str, **overrides: Answer) -> "flask.Response | None":
        """The error a fault already taken stands for (None: no fault, or one the route handles)."""
        if fault is None:
            return None
        answer = overrides.get(fault.kind) or self.answers.get(fault.kind)
        return answer(fault, operation) if answer is not None else None

    def fault(self, operation: str, **overrides: Answer) -> "tuple[Fault | None, flask.Response | None]":
        fault = self.state.take_fault(self.platform, operation)
        return fault, self.answer(fault, operation, **overrides)

    def __call__(self, operation: str, *args: Any,
                 **overrides: Answer) -> "tuple[Fault | None, str | None, flask.Response | None]":
        fault, faulted = self.fault(operation, **overrides)
        if faulted is not None:
            return fault, None, faulted
        assert self.authorize is not None
        who, refused = self.authorize(*args)
        return fault, who, refused


def answer(build: Callable[[], "flask.Response"]) -> Answer:
    """An answer that is the same error whatever the fault and operation."""
    return lambda fault, operation: build()
