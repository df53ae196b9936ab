"""Deployed functions. Firebase imports this file; it only re-exports.

Each name below is one Cloud Function (its id is the Python name). Ids are camelCase:
each task-queue function gets a Cloud Tasks queue named after its id, and queue ids
allow only letters, digits and hyphens, so one convention serves every function. Routing from
the public base URLs to the HTTP functions lives in shared/web/routes.py: firebase.json's
Hosting rewrites repeat it (a test keeps them equal) and the `api` function routes with it
in-process; task-queue and scheduled functions are private.
"""

from functions.account import account
from functions.api import api
from functions.api_keys import apiKeys
from functions.connections import connections, oauthCallback
from functions.credits import credits
from functions.health import health
from functions.mcp import mcp
from functions.media import media, mediaFiles
from functions.not_found import notFound
from functions.openapi import openapi
from functions.platform_webhooks import platformWebhooks
from functions.orchestrator import orchestratePost
from functions.posts import posts
from functions.publishers import PUBLISHERS
from functions.repurpose import repurpose, repurposePost
from functions.scheduler import sweepScheduledPosts
from functions.templates import templates
from functions.transcribe import transcribe
from functions.webhooks import deliverWebhook, webhooks

__all__ = [
    "api",
    "account", "apiKeys", "health", "notFound", "posts",
    "connections", "oauthCallback",
    "media", "mediaFiles", "mcp", "openapi", "templates",
    "orchestratePost", "sweepScheduledPosts", "webhooks", "deliverWebhook",
    "transcribe", "credits",
    "repurpose", "repurposePost", "platformWebhooks",
]

# The publishers, one per platform (functions/publishers.py names them after their queues).
globals().update(PUBLISHERS)
__all__ += sorted(PUBLISHERS)
