"""What the sandboxes' resumable and chunked uploads share (Facebook's resumable upload API and
reels rupload, YouTube's resumable videos.insert): the bytes kept of each part, and the upload
whose connection breaks mid-body."""

from __future__ import annotations

from typing import Any

from devstack.sandboxes.core import Answer, Fault, SandboxState


def cut_short(fault: Fault | None) -> bool:
    """A `server_error` fault with `params.after_bytes`: the connection breaks mid-body, so the
    route keeps that many bytes of the part (`kept_of`) before it answers the error."""
    return fault is not None and fault.kind == "server_error" and "after_bytes" in fault.params


def kept_of(fault: Fault, data: bytes) -> bytes:
    return data[: int(fault.params["after_bytes"])]


def take_part(state: SandboxState, target: dict[str, Any], data: bytes, offset: int, *,
              count: str, logged_as: str = "offset") -> None:
    """Keep one part of an upload that continues at `offset`: the file's first bytes (`head`, to
    tell its type), its SHA-256 where the target keeps one (`sha`), the request in `requests`
    (`{logged_as: offset, "bytes": n}`, which tests read) and the bytes received (`target[count]`)."""
    with state.lock:
        if not target["head"]:
            target["head"] = data[:16]
        if "sha" in target:
            target["sha"].update(data)
        target["requests"].append({logged_as: offset, "bytes": len(data)})
        target[count] += len(data)


def unless_cut_short(answer: Answer) -> Answer:
    """`answer` for a `server_error` fault, except one cut short, which the chunk route handles."""
    return lambda fault, operation: None if cut_short(fault) else answer(fault, operation)
