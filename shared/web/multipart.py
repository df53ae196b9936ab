"""One file out of a `multipart/form-data` request, streamed from `request.stream`.

Werkzeug's form parser (`request.files`) spools every file part to a temporary file
before the handler sees a byte, and on Cloud Functions the temporary directory is
memory: a 30 MiB upload would cost 30 MiB of RAM (more with several requests in one
instance). Here werkzeug's sans-IO `MultipartDecoder` is fed `READ_CHUNK`s of the body
as they arrive and the file part's bytes are handed on as they are decoded, so memory
stays at a chunk or two and the bytes can go straight on to Cloud Storage.

The form takes exactly one part, named `file` (curl's `-F file=@photo.jpg`). Everything
else is refused in the spec's envelope while the caller's bytes are being read: a
missing or empty part, a second part, a body over `limit` (413, as the JSON body cap).
The part's own `Content-Type` is not even read: the bytes decide the type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Iterator

from flask import Request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData, Preamble

from shared.errors import PayloadTooLargeError, ValidationError

READ_CHUNK = 256 * 1024
FIELD = "file"
# Part headers and the bytes between two events: far more than any real header block,
# far less than what an endless header line could make the decoder buffer.
MAX_BUFFER = 1024 * 1024
# An early refusal reads (and drops) what is left of the body, up to this much, so the
# client is answered instead of seeing its connection reset while still sending. Cloud Run
# refuses bigger requests itself (32 MiB); reading costs a chunk of memory, not the body.
DRAIN_CAP = 40 * 1024 * 1024


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, details=[{"field": f"body.{FIELD}", "message": message, "code": code}])


def _malformed(exc: ValueError | None = None) -> ValidationError:
    reason = str(exc) if exc is not None else ""
    if not reason or "cannot parse beyond" in reason:  # the decoder ran out of body mid-part
        reason = "it ended before its closing boundary"
    return _invalid(f"Malformed multipart body: {reason}", "invalid_multipart")


def too_large(limit: int, declared: int | None = None) -> PayloadTooLargeError:
    if declared is not None:
        return PayloadTooLargeError(f"Request body is {declared} bytes; the limit for a multipart upload "
                                    f"is {limit} bytes (use POST /v1/media/uploads for bigger files)",
                                    details={"limit": limit, "received": declared})
    return PayloadTooLargeError(f"Request body exceeds the limit of {limit} bytes for a multipart upload "
                                f"(use POST /v1/media/uploads for bigger files)", details={"limit": limit})


@dataclass
class FilePart:
    filename: str | None
    chunks: Iterator[bytes]  # the part's bytes; the rest of the body is checked once they end


def _events(stream: IO[bytes], decoder: MultipartDecoder, limit: int) -> Iterator:
    """Every event of the body, reading it chunk by chunk; 413 past `limit` bytes."""
    received = 0
    ended = False
    while True:
        event = decoder.next_event()
        if isinstance(event, NeedData):
            if ended:
                raise _malformed()
            try:
                chunk = stream.read(READ_CHUNK)
            except ClientDisconnected:
                # The body ended before its Content-Length: the client went away or sent less.
                raise _invalid("The request body ended before its declared Content-Length",
                               "invalid_multipart") from None
            ended = not chunk
            received += len(chunk)
            if received > limit:
                raise too_large(limit)
            try:
                decoder.receive_data(chunk or None)
            except RequestEntityTooLarge:
                raise _invalid("A part's headers are too long", "invalid_multipart") from None
            continue
        yield event
        if isinstance(event, Epilogue):
            return


def open_file_part(request: Request, limit: int) -> FilePart:
    """The request's single `file` part, ready to stream. Raises 400/413 as described above;
    the returned iterator raises them too, for what only shows further into the body."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise too_large(limit, declared)
    boundary = request.mimetype_params.get("boundary", "")
    if not boundary or len(boundary) > 70:  # RFC 2046: 1-70 characters
        raise _invalid("multipart/form-data needs a boundary parameter of 1-70 characters", "invalid_multipart")
    decoder = MultipartDecoder(boundary.encode("latin-1", "replace"), max_form_memory_size=MAX_BUFFER)
    events = _events(request.stream, decoder, limit)
    try:
        for event in events:
            if isinstance(event, (File, Field)):
                if event.name != FIELD:
                    raise _invalid(f"Unexpected form part '{event.name}': send one part named '{FIELD}'",
                                   "unexpected_part")
                filename = event.filename if isinstance(event, File) else None
                return FilePart(filename=filename or None, chunks=_part_bytes(events))
            if isinstance(event, Epilogue):
                break
            if not isinstance(event, Preamble):
                raise _malformed(ValueError(f"unexpected {type(event).__name__.lower()}"))
    except ValueError as exc:  # the decoder's own complaint (a truncated or malformed body)
        raise _malformed(exc) from None
    raise _invalid(f"No file: send one multipart part named '{FIELD}' (curl -F {FIELD}=@photo.jpg)", "missing")


def _part_bytes(events: Iterator) -> Iterator[bytes]:
    """The file part's data; then the rest of the body must hold no other part."""
    try:
        for event in events:
            if isinstance(event, Data):
                if event.data:
                    yield event.data
                if not event.more_data:
                    break
            else:
                raise _malformed(ValueError(f"unexpected {type(event).__name__.lower()}"))
        for event in events:
            if isinstance(event, (File, Field)):
                raise _invalid(f"Only one part is accepted, named '{FIELD}'; found another: '{event.name}'",
                               "too_many_parts")
            if isinstance(event, Epilogue):
                return
    except ValueError as exc:
        raise _malformed(exc) from None
    raise _malformed()


def drain(request: Request, cap: int = DRAIN_CAP) -> None:
    """Read and drop what is left of the body (up to `cap`) before an early answer."""
    left = cap
    try:
        while left > 0:
            chunk = request.stream.read(min(READ_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
    except Exception:  # noqa: BLE001 - a broken client connection: nothing left to answer
        return
