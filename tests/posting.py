"""Helpers for the posts tests: bodies and calls to the internal functions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx

from tests.conftest import PROJECT_ID, REGION


def body(platform, text: str = "Hello from the API!", **content) -> dict:
    return {"post": {"content": {"text": text, "platform": platform, **content}}}


def future(**delta) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).isoformat().replace("+00:00", "Z")


def call_task(client: httpx.Client, function: str, data: dict, queue: str | None = None,
              retry_count: int = 0, base_url: str = "") -> httpx.Response:
    """Deliver a task the way Cloud Tasks does (used to replay duplicate deliveries)."""
    headers = {"Content-Type": "application/json", "X-CloudTasks-QueueName": queue or function,
               "X-CloudTasks-TaskName": "manual", "X-CloudTasks-TaskRetryCount": str(retry_count)}
    return client.post(f"{base_url}/{PROJECT_ID}/{REGION}/{function}", json={"data": data}, headers=headers)


def run_sweep(client: httpx.Client) -> httpx.Response:
    return client.post(f"/{PROJECT_ID}/{REGION}/sweep_scheduled_posts",
                       headers={"X-CloudScheduler-JobName": "test", "X-CloudScheduler": "true"})
