"""Every RPC a process makes, timed where it is sent (for bench/posts_bench.py).

`install()` wraps the gRPC channel's callables (every Firestore RPC goes through one
of them: api_core calls `with_call` on unary-unary methods and `__call__` on
streaming ones) and firebase-admin's task enqueue (Cloud Tasks, over REST:
shared/adapters/task_queue.py). Each call becomes a `Span` with the name of the
thread that made it, so the benchmark can tell the request's own RPCs from the
writes its after-response threads make.

Times are CLOCK_MONOTONIC: one clock for every process of the machine, so a
benchmark in another process can lay these spans against its own request times.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, fields

import grpc._channel
from firebase_admin import functions as firebase_functions_admin


def now() -> float:
    return time.clock_gettime(time.CLOCK_MONOTONIC)


@dataclass
class Span:
    method: str
    thread: str
    start: float
    end: float | None = None
    # What the RPC carried, so the benchmark's floor can send the same round trip raw:
    # the documents a BatchGetDocuments read, a Commit's writes and its size in bytes.
    documents: list[str] | None = None
    writes: int | None = None
    size: int | None = None
    # The request itself, kept until `take()` describes it: describing it while the RPC
    # is sent would add the serialisation to the measured request's own time.
    request: object = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "request"}

    def describe(self) -> None:
        request, self.request = self.request, None
        if self.method == "BatchGetDocuments":
            self.documents = list(request.documents)
        elif self.method == "Commit":
            self.writes = len(request.writes)
            self.size = getattr(request, "_pb", request).ByteSize()  # proto-plus or protobuf


_spans: list[Span] = []
_lock = threading.Lock()
# A wait before every RPC, as a network between the function and Firestore/Cloud Tasks
# adds (production round trips cost 5-20 ms; loopback about 1). The wait releases the
# GIL, so RPCs sent in parallel wait in parallel, as on a network.
_added_latency_s = 0.0


def set_added_latency_ms(ms: float) -> None:
    global _added_latency_s
    _added_latency_s = ms / 1000


def take() -> list[Span]:
    """The spans recorded since the last take (an RPC still running has no end yet)."""
    with _lock:
        taken = list(_spans)
        _spans.clear()
    for span in taken:
        span.describe()
    return taken


def wait_quiet(timeout_s: float = 2.0) -> bool:
    """Wait until no recorded RPC is still running (False: some still were at the timeout)."""
    deadline = now() + timeout_s
    while True:
        with _lock:
            running = any(span.end is None for span in _spans)
        if not running:
            return True
        if now() > deadline:
            return False
        time.sleep(0.0002)


def _method_of(callable_) -> str:
    method = callable_._method.decode() if isinstance(callable_._method, bytes) else str(callable_._method)
    return method.rsplit("/", 1)[-1]


def _open(method: str, request: object = None) -> Span:
    span = Span(method, threading.current_thread().name, now(), request=request)
    with _lock:
        _spans.append(span)
    if _added_latency_s:
        time.sleep(_added_latency_s)
    return span


def _close(span: Span) -> None:
    span.end = now()


def _timed_unary(original):
    def call(self, request, *args, **kwargs):
        span = _open(_method_of(self), request)
        try:
            return original(self, request, *args, **kwargs)
        finally:
            _close(span)

    return call


def _timed_stream(original):
    # A streaming call returns at once; the RPC ends when its stream does.
    def call(self, request, *args, **kwargs):
        span = _open(_method_of(self), request)
        rendezvous = original(self, request, *args, **kwargs)
        rendezvous.add_done_callback(lambda _: _close(span))
        return rendezvous

    return call


def _timed_enqueue(original):
    def enqueue(self, *args, **kwargs):
        span = _open("CreateTask")
        try:
            return original(self, *args, **kwargs)
        finally:
            _close(span)

    return enqueue


def install() -> None:
    channel = grpc._channel
    channel._UnaryUnaryMultiCallable.__call__ = _timed_unary(channel._UnaryUnaryMultiCallable.__call__)
    channel._UnaryUnaryMultiCallable.with_call = _timed_unary(channel._UnaryUnaryMultiCallable.with_call)
    channel._UnaryStreamMultiCallable.__call__ = _timed_stream(channel._UnaryStreamMultiCallable.__call__)
    queue = firebase_functions_admin.TaskQueue
    queue.enqueue = _timed_enqueue(queue.enqueue)
