"""Cloud Scheduler for the local stack: fires each scheduled function on time.

Nothing fires `on_schedule` functions locally (the Firebase CLI only emulates
them beside the Pub/Sub emulator, a download), so this thread POSTs to each one
with the headers Cloud Scheduler sends, once a minute (every schedule in this
project is "every 1 minutes").
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import httpx


class LocalScheduler:
    def __init__(self, function_urls: dict[str, str], interval_s: float = 60.0) -> None:
        self.function_urls = function_urls
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="local-scheduler", daemon=True)

    def fire_all(self) -> dict[str, int]:
        statuses = {}
        for name, url in self.function_urls.items():
            headers = {
                "X-CloudScheduler": "true",
                "X-CloudScheduler-JobName": f"firebase-schedule-{name}",
                "X-CloudScheduler-ScheduleTime": datetime.now(timezone.utc).isoformat(),
            }
            try:
                statuses[name] = httpx.post(url, headers=headers, timeout=55).status_code
            except httpx.HTTPError:
                statuses[name] = 0
        return statuses

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.fire_all()

    def start(self) -> "LocalScheduler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()


def scheduled_functions(functions: dict) -> dict:
    return {name: fn for name, fn in functions.items()
            if getattr(fn.__firebase_endpoint__, "scheduleTrigger", None) is not None}


def scheduled_function_urls(functions: dict, base_url: str) -> dict[str, str]:
    return {name: f"{base_url}/{name}" for name in scheduled_functions(functions)}
