"""`Range: bytes=…` for public media delivery (RFC 9110 section 14), bounded.

A single satisfiable range answers 206 with exactly its bytes. Several ranges answer 206
`multipart/byteranges` with exactly the bytes asked for, one part per range in the order
asked, so a request never costs more than the bytes it names (plus a part header each).
What a client may ask for in one request is bounded (RFC 9110 section 14.2 lets a server
"ignore or reject a Range header field that contains ... more than two overlapping ranges,
or a set of many small ranges", and 15.5.17 names 416 for "an excessive number of small
or overlapping ranges (a potential denial of service attack)"):

- at most `MAX_RANGES` ranges: more is 416;
- no two ranges may overlap (a duplicate included), so the bytes asked for never add up
  to more than the object: an overlap is 416, not coalesced, since a client that sends
  one is not a player (players ask for one range at a time) and coalescing would answer
  it with a range it did not ask for.

416 rather than ignoring the header with a 200 of the whole file: the whole file is the
largest answer we could give, the opposite of bounding the request; 416 costs nothing
and says why (`details.reason`). A malformed header, or a range whose last byte is before
its first, is still ignored (the whole file, 200), as RFC 9110 14.2 says: that is the same
answer as a plain GET, which the delivery budget counts like any other.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from shared.errors import SokuError

MAX_RANGES = 8
Reader = Callable[[int, int], Iterable[bytes]]  # (first, last) -> those bytes, lazily


class RangeNotSatisfiableError(SokuError):
    status = 416
    code = "range_not_satisfiable"
    message = "Requested range not satisfiable"


def unsatisfiable(size: int, message: str, reason: str, **details: int) -> RangeNotSatisfiableError:
    return RangeNotSatisfiableError(
        message, details={"reason": reason, "size": size, **details},
        headers={"Content-Range": f"bytes */{size}", "Accept-Ranges": "bytes"},
    )


def parse_ranges(header: str | None, size: int) -> list[tuple[int, int]] | None:
    """The satisfiable ranges as (first, last) inclusive, in the order asked; None to send
    the whole file (no header, another unit, a malformed or invalid spec); raises
    RangeNotSatisfiableError when none is satisfiable, or the set is refused (too many
    ranges, overlapping ranges)."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    specs = [s.strip() for s in spec.split(",") if s.strip()]
    if not specs:
        return None
    if len(specs) > MAX_RANGES:
        raise unsatisfiable(size, f"At most {MAX_RANGES} ranges can be asked for in one request, "
                            f"not {len(specs)}", "too_many_ranges", limit=MAX_RANGES, ranges=len(specs))
    ranges: list[tuple[int, int]] = []
    for one in specs:
        first, dash, last = one.partition("-")
        first, last = first.strip(), last.strip()
        if not dash or (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
            return None  # malformed: RFC 9110 says ignore the header
        if not first:  # suffix range: the last N bytes
            count = int(last)
            if count > 0 and size > 0:
                ranges.append((max(0, size - count), size - 1))
            continue
        start = int(first)
        if last and int(last) < start:
            return None  # invalid, so ignored (RFC 9110 14.1.1)
        if start < size:  # a range starting past the end is dropped; the others stand
            ranges.append((start, min(int(last) if last else size - 1, size - 1)))
    if not ranges:
        raise unsatisfiable(size, f"The range starts beyond the end of the file ({size} bytes)", "beyond_end")
    ordered = sorted(ranges)
    for (_, previous_last), (next_first, _) in zip(ordered, ordered[1:]):
        if next_first <= previous_last:
            raise unsatisfiable(size, "The ranges overlap; ask for each byte at most once", "overlapping_ranges")
    assert sum(last - first + 1 for first, last in ranges) <= size  # disjoint ranges of the object
    return ranges


@dataclass(frozen=True)
class Multipart:
    """A `multipart/byteranges` body (RFC 9110 14.6) of `ranges` of one object."""

    ranges: list[tuple[int, int]]
    size: int
    content_type: str
    boundary: str

    @classmethod
    def of(cls, ranges: list[tuple[int, int]], size: int, content_type: str) -> "Multipart":
        return cls(ranges, size, content_type, secrets.token_hex(16))

    @property
    def media_type(self) -> str:
        return f"multipart/byteranges; boundary={self.boundary}"

    def _head(self, first: int, last: int) -> bytes:
        return (f"\r\n--{self.boundary}\r\nContent-Type: {self.content_type}\r\n"
                f"Content-Range: bytes {first}-{last}/{self.size}\r\n\r\n").encode("latin-1")

    def _tail(self) -> bytes:
        return f"\r\n--{self.boundary}--\r\n".encode("latin-1")

    def length(self) -> int:
        return (sum(len(self._head(first, last)) + last - first + 1 for first, last in self.ranges)
                + len(self._tail()))

    def body(self, read: Reader) -> Iterator[bytes]:
        for first, last in self.ranges:
            yield self._head(first, last)
            yield from read(first, last)
        yield self._tail()
