"""The firebase-admin app of this process, built on first use.

firebase-admin serves two things here: ID-token verification
(shared/adapters/firebase_auth.py) and enqueueing tasks for our task-queue
functions (shared/adapters/task_queue.py). In production the app uses the
runtime's default credentials; beside the emulators it needs no credentials
at all (firebase-admin's emulator conventions), so it gets anonymous ones and
never looks for application defaults.
"""

from __future__ import annotations

import functools
import threading

import firebase_admin
from google.auth.credentials import AnonymousCredentials

from shared.config import get_settings

_lock = threading.Lock()


class _AnonymousAdminCredential(firebase_admin.credentials.Base):
    def get_credential(self):
        return AnonymousCredentials()


@functools.cache
def firebase_app() -> firebase_admin.App:
    settings = get_settings()
    name = f"soku-{settings.project_id}"
    with _lock:
        try:
            return firebase_admin.get_app(name)
        except ValueError:
            pass
        options = {"projectId": settings.project_id}
        if settings.auth_emulator_host or settings.tasks_emulator_host:
            return firebase_admin.initialize_app(_AnonymousAdminCredential(), options, name=name)
        return firebase_admin.initialize_app(options=options, name=name)


def reset_firebase_app() -> None:
    """Forget this process's app *and* delete it from firebase-admin, whose services (the
    Auth client, which reads FIREBASE_AUTH_EMULATOR_HOST once) live on the app object."""
    with _lock:
        firebase_app.cache_clear()
        for app in list(firebase_admin._apps.values()):  # noqa: SLF001 - no public listing
            if app.name.startswith("soku-"):
                firebase_admin.delete_app(app)
