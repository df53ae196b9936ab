"""One transcription job, from the idempotency claim to the charge.

Order of work: claim the Idempotency-Key (a replay returns the first result
and charges nothing); check the media (spec errors); refuse at once when the
balance is empty; record the job as `processing`; copy the file; sniff it
and read its declared duration (media.inspect: the demuxer comes from the
bytes; too long, too large, or longer than the balance pays for is refused
here, before any decoding); normalise and measure it, decoding at most what
the balance pays for (a header that lies about the duration cannot buy more
CPU than that) and split it (parts.py); check the balance against the
measured cost (402 before any money is spent upstream); transcribe the parts in order,
each prompted with the end of the previous one; then one transaction charges
the credits and records the job as `succeeded`, the transcript and the
idempotency result (credits.charge). Any failure before that transaction
charges nothing: the job is recorded `failed` and the key released, so a
retry runs afresh.

The job id comes from the idempotency claim, so an attempt that takes over a
crashed one works under the same id, and the ledger entry (id = job id) can be
created only once: a job is never charged twice, even by concurrent attempts.
While a job runs its claim is kept fresh, so a concurrent duplicate waits
for the result instead of taking the job over.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from typing import Any

from shared import clock
from shared.adapters import openai_audio
from shared.adapters.gcp import firestore_client
from shared.config import get_settings
from shared.errors import SokuError
from shared.models.transcription import TranscribeRequest
from shared.services import credits, idempotency
from shared.services.results import IdempotentResult
from shared.services.transcription import FEATURE, UpstreamFailedError, lyrics, media, parts

log = logging.getLogger("soku.transcribe")

ENDPOINT = "POST /v1/ai/transcribe"
HEARTBEAT_S = 20.0  # well inside idempotency.STALE_AFTER
PROMPT_CHARS = 200  # Whisper reads only the prompt's last ~224 tokens


def job_id_for(claim: idempotency.Claim) -> str:
    return "job_" + claim.resource_id.replace("-", "")


class _Heartbeat:
    """Keeps an idempotency claim fresh while a long job runs."""

    def __init__(self, claim: idempotency.Claim) -> None:
        self._ref = claim.ref
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="transcribe-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                self._ref.update({"updatedAt": clock.now()})
            except Exception:  # noqa: BLE001 - the claim may be gone already; the job goes on
                log.debug("heartbeat of %s failed", self._ref.path, exc_info=True)

    def __enter__(self) -> "_Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()


class _Job:
    """`users/{uid}/aiJobs/{jobId}`: status and timings."""

    def __init__(self, user_id: str, key_hash: str | None, job_id: str, request: TranscribeRequest,
                 idempotency_key: str) -> None:
        self.user_id, self.key_hash, self.id = user_id, key_hash, job_id
        self.request, self.idempotency_key = request, idempotency_key
        self.ref = firestore_client().collection("users").document(user_id).collection("aiJobs").document(job_id)
        self.started = False
        self.budget = None  # the daily transcriptionMinutes charge (budgets.Charge), once made
        self.clock_start = time.monotonic()
        self.timings: dict[str, int] = {}

    def mark(self, name: str, since: float) -> float:
        now = time.monotonic()
        self.timings[name] = round((now - since) * 1000)
        return now

    def start(self, found: media.Media) -> None:
        now = clock.now()
        self.ref.set({
            "jobId": self.id, "type": FEATURE, "status": "processing", "userId": self.user_id,
            "keyHash": self.key_hash, "mediaId": found.id, "contentType": found.content_type,
            "model": self.request.model_name, "language": self.request.language,
            "declaredDurationSeconds": self.request.durationSeconds, "idempotencyKey": self.idempotency_key,
            "createdAt": now, "startedAt": now, "updatedAt": now, "finishedAt": None, "error": None,
        })
        self.started = True

    def fail(self, error: BaseException) -> None:
        if not self.started:
            return  # refused before it began (bad media id, empty balance): no job to record
        code = error.code if isinstance(error, SokuError) else "internal_error"
        message = error.message if isinstance(error, SokuError) else "An unexpected error occurred"
        now = clock.now()
        self.timings["totalMs"] = round((time.monotonic() - self.clock_start) * 1000)
        try:
            self.ref.update({"status": "failed", "error": {"code": code, "message": message},
                             "timings": self.timings, "finishedAt": now, "updatedAt": now})
        except Exception:  # noqa: BLE001 - never hide the original error
            log.warning("could not record the failure of job %s", self.id, exc_info=True)


def transcribe(user_id: str, key_hash: str | None, request: TranscribeRequest, raw_body: Any,
               explicit_key: str | None, meter: Any = None) -> IdempotentResult:
    """`meter` (budgets.Meter, the daily `transcriptionMinutes`): refused at once when
    nothing is left today, or when the declared or measured minutes pass what is left;
    charged the measured minutes before the upstream calls, refunded if the job fails."""
    claim = idempotency.begin(user_id, ENDPOINT, explicit_key, raw_body)
    if claim.state == "completed":
        return IdempotentResult(claim.body, claim.status or 200, claim.key)
    job = _Job(user_id, key_hash, job_id_for(claim), request, claim.key)
    with _Heartbeat(claim):
        try:
            body = _run(job, claim, meter)
        except BaseException as error:
            if job.budget is not None:
                job.budget.refund()
            job.fail(error)
            idempotency.abandon(claim)  # nothing was charged: a retry starts afresh
            raise
    return IdempotentResult(body, 200, claim.key)


def _run(job: _Job, claim: idempotency.Claim, meter: Any = None) -> dict:
    settings = get_settings()
    request = job.request
    found = media.load(job.user_id, request.mediaId)
    available = credits.require(job.user_id, 1, FEATURE)  # every job costs at least one credit
    media.check_size(found)
    # The minutes left today (the daily ceiling), in seconds; unbounded without a meter.
    allowed_seconds = float("inf")
    if meter is not None:
        meter.check(1)  # every job takes at least a minute
        allowed_seconds = meter.remaining() * credits.SECONDS_PER_CREDIT
    job.start(found)
    with tempfile.TemporaryDirectory(prefix="soku-transcribe-") as workdir:
        step = time.monotonic()
        # A fixed name: the stored extension is not trusted to name anything ffmpeg reads.
        source = os.path.join(workdir, "source.bin")
        size = media.download(found, source)
        step = job.mark("downloadMs", step)
        inspected = media.inspect(found, source, size)
        # What the balance pays for, and a little more so a file just over it measures as
        # over (and is refused below) rather than being cut to fit.
        paid_seconds = float(available) * credits.SECONDS_PER_CREDIT
        if inspected.declared_seconds is not None and inspected.declared_seconds > paid_seconds + 1.0:
            raise _unaffordable(credits.cost_for_seconds(inspected.declared_seconds), available)
        if inspected.declared_seconds is not None and inspected.declared_seconds > allowed_seconds + 1.0:
            meter.check(credits.cost_for_seconds(inspected.declared_seconds))  # 429: over today's minutes
        bound = min(settings.transcribe_max_seconds, paid_seconds + 1.0, allowed_seconds + 1.0)
        prepared = parts.prepare(source, workdir, settings.transcribe_max_upload_bytes,
                                 settings.transcribe_max_part_seconds, fmt=inspected.fmt,
                                 max_source_seconds=bound)
        step = job.mark("extractMs", step)
        if prepared.truncated and bound >= settings.transcribe_max_seconds:
            raise media.too_long(found, settings.transcribe_max_seconds)
        cost = credits.cost_for_seconds(prepared.seconds)
        if prepared.truncated and bound >= paid_seconds + 1.0:
            raise _unaffordable(cost, available)  # longer than the header said, and than the balance pays for
        if prepared.truncated:  # longer than the header said, and than today's minutes allow
            meter.check(cost)
        credits.require(job.user_id, cost, FEATURE)
        if meter is not None:
            job.budget = meter.charge(cost)  # 429 if concurrent jobs took the minutes meanwhile
        texts = _transcribe_parts(prepared.parts, request)
        job.mark("transcribeMs", step)
    transcript = " ".join(text for text in texts if text)
    body = {"jobId": job.id, "transcript": transcript, "creditsDebited": cost,
            "likelyLyrics": lyrics.likely_lyrics(transcript)}
    return _finish(job, claim, found, prepared, body)


def _unaffordable(cost: int, available: int | float) -> credits.InsufficientCreditsError:
    """402 before the audio is decoded (or before more of it is than the balance pays for),
    in the spec's words. When decoding stopped at the paid length, `cost` is a lower bound."""
    return credits.InsufficientCreditsError(cost, available, FEATURE)


def _tail(text: str) -> str:
    if len(text) <= PROMPT_CHARS:
        return text
    cut = text[-PROMPT_CHARS:]
    return cut.split(" ", 1)[-1]  # start at a word


def _transcribe_parts(prepared_parts: list[parts.Part], request: TranscribeRequest) -> list[str]:
    texts: list[str] = []
    for part in prepared_parts:
        previous = next((t for t in reversed(texts) if t), None)
        try:
            text = openai_audio.transcribe(part.path, model=request.model_name, language=request.language,
                                           prompt=_tail(previous) if previous else None)
        except openai_audio.UpstreamError as exc:
            log.warning("transcription of part %d/%d failed: %s", part.index + 1, len(prepared_parts), exc)
            retry_after = max(1, round(exc.retry_after or 5))
            raise UpstreamFailedError(
                f"The transcription service failed: {exc.message}. Nothing was charged"
                + ("; retry later (the same Idempotency-Key is safe)" if exc.retryable else ""),
                details={"provider": "openai", "upstreamStatus": exc.status, "retryable": exc.retryable,
                         "part": part.index + 1, "parts": len(prepared_parts)},
                headers={"Retry-After": str(retry_after)} if exc.retryable else None,
            ) from exc
        texts.append(text.strip())
    return texts


def _finish(job: _Job, claim: idempotency.Claim, found: media.Media, prepared: parts.Prepared,
            body: dict) -> dict:
    """Charge and record in one transaction; the first result if another attempt already did."""
    transcript_ref = (firestore_client().collection("media").document(found.id)
                      .collection("transcripts").document(job.id))
    seconds = round(prepared.seconds, 3)
    part_views = [{"index": p.index, "startSeconds": round(p.start, 3), "endSeconds": round(p.end, 3),
                   "bytes": p.size} for p in prepared.parts]

    def also(transaction, charge: credits.Charge) -> None:
        now = clock.now()
        job.timings["totalMs"] = round((time.monotonic() - job.clock_start) * 1000)
        transaction.set(job.ref, {
            "status": "succeeded", "durationSeconds": seconds, "creditsDebited": charge.amount,
            "balanceAfter": charge.balance_after, "parts": part_views, "likelyLyrics": body["likelyLyrics"],
            "transcriptPath": transcript_ref.path, "transcriptChars": len(body["transcript"]),
            "timings": job.timings, "finishedAt": now, "updatedAt": now,
        }, merge=True)
        transaction.set(transcript_ref, {
            "jobId": job.id, "userId": job.user_id, "mediaId": found.id, "text": body["transcript"],
            "model": job.request.model_name, "language": job.request.language,
            "likelyLyrics": body["likelyLyrics"], "durationSeconds": seconds, "parts": part_views,
            "createdAt": now,
        })
        idempotency.complete(claim, 200, body, write_batch=transaction)

    try:
        credits.charge(job.user_id, job.id, body["creditsDebited"], FEATURE,
                       memo={"jobId": job.id, "mediaId": found.id, "durationSeconds": seconds}, also=also)
    except credits.AlreadyCharged:
        if job.budget is not None:
            job.budget.refund()  # the attempt that charged the credits counted its minutes
        return _first_result(claim, body)
    except credits.InsufficientCreditsError:
        raise
    except Exception:
        # The commit may have taken effect although its answer was lost.
        if credits.was_charged(job.user_id, job.id):
            return _first_result(claim, body)
        raise
    return body


def _first_result(claim: idempotency.Claim, fallback: dict) -> dict:
    stored = claim.ref.get().to_dict() or {}
    if stored.get("state") == "completed" and isinstance(stored.get("body"), dict):
        return stored["body"]
    return fallback
