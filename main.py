"""Deployed functions. Firebase imports this file; it only re-exports.

Each name below is one Cloud Function (its id is the Python name). Routing from
the public base URL to the HTTP functions lives in firebase.json's Hosting
rewrites; task-queue and scheduled functions are private.
"""

from functions.account import account
from functions.api_keys import api_keys
from functions.connections import connections, oauth_callback
from functions.credits import credits
from functions.health import health
from functions.media import media, media_files
from functions.not_found import not_found
from functions.openapi import openapi
from functions.orchestrator import orchestrate_post
from functions.posts import posts
from functions.publishers import (
    publish_facebook,
    publish_instagram,
    publish_linkedin,
    publish_snapchat,
    publish_threads,
    publish_tiktok,
    publish_x,
    publish_youtube,
)
from functions.repurpose import repurpose, repurpose_post
from functions.scheduler import sweep_scheduled_posts
from functions.templates import templates
from functions.transcribe import transcribe
from functions.webhooks import deliver_webhook, webhooks

__all__ = [
    "account", "api_keys", "health", "not_found", "posts",
    "connections", "oauth_callback",
    "media", "media_files", "openapi", "templates",
    "orchestrate_post", "sweep_scheduled_posts", "webhooks", "deliver_webhook",
    "transcribe", "credits",
    "repurpose", "repurpose_post",
    "publish_facebook", "publish_instagram", "publish_linkedin", "publish_snapchat",
    "publish_threads", "publish_tiktok", "publish_x", "publish_youtube",
]
