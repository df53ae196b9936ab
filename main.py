"""Deployed functions. Firebase imports this file; it only re-exports.

Each name below is one Cloud Function (its id is the Python name). Routing from
the public base URL to these functions lives in firebase.json's Hosting rewrites.
"""

from functions.account import account
from functions.api_keys import api_keys
from functions.health import health
from functions.not_found import not_found

__all__ = ["account", "api_keys", "health", "not_found"]
