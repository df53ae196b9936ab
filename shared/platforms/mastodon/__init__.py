"""Mastodon: everything Soku knows of it, in one package.

manifest.py (limits and media rules, with sources), options.py (post options), instance.py
(the user's server: its URL under the SSRF rules, a pinned HTTP client, its limits), apps.py
(Soku's app, registered once per server), connector.py (connecting an account), publisher.py
(publishing, lookup, delete), insights.py (metrics), text.py (how Mastodon counts a status).
The core reaches these only through shared/platforms/loader.py; the sandbox is
devstack/sandboxes/mastodon.
"""
