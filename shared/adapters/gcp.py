"""Lazily built Google Cloud clients: the only place clients are constructed.

No client is created at import time (deploy discovery imports main.py with no
credentials and no network). Each getter builds its client on first use and
keeps it for the life of the instance; against the local emulators the same
official clients are pointed at loopback.
"""

from __future__ import annotations

import functools
import re

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore, storage, tasks_v2

from shared.config import get_settings


@functools.cache
def firestore_client() -> firestore.Client:
    settings = get_settings()
    if settings.firestore_emulator_host:
        # The client reads FIRESTORE_EMULATOR_HOST itself; credentials must
        # still be given or it goes looking for application defaults.
        return firestore.Client(project=settings.project_id, credentials=AnonymousCredentials())
    return firestore.Client(project=settings.project_id)


@functools.cache
def storage_client() -> storage.Client:
    settings = get_settings()
    if settings.storage_emulator_host:
        # STORAGE_EMULATOR_HOST makes the client talk to the emulator's endpoint.
        return storage.Client(project=settings.project_id, credentials=AnonymousCredentials())
    return storage.Client(project=settings.project_id)


@functools.cache
def tasks_client() -> tasks_v2.CloudTasksClient:
    """Cloud Tasks' admin API (readiness only; tasks are enqueued through firebase-admin,
    see task_queue.py). The Firebase CLI's Tasks emulator does not serve this API."""
    return tasks_v2.CloudTasksClient()


def queue_path(queue: str) -> str:
    settings = get_settings()
    return tasks_v2.CloudTasksClient.queue_path(settings.project_id, settings.region, queue)


def reset_clients() -> None:
    """Drop cached clients (tests that point the process at other emulators)."""
    from shared.adapters.firebase_app import reset_firebase_app

    for getter in (firestore_client, storage_client, tasks_client):
        getter.cache_clear()
    reset_firebase_app()


_DOCUMENT_ID = re.compile(r"^(?!\.{1,2}$)(?!__.*__$)[^/]{1,1500}$", re.S)


def could_be_document_id(value: str) -> bool:
    """Whether Firestore accepts `value` as a document id (no '/', not '.' or '..', not
    '__…__'). An id it refuses names nothing: callers treat it as missing, not as an error."""
    return bool(_DOCUMENT_ID.match(value)) and len(value.encode()) <= 1500
