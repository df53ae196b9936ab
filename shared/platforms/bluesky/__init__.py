"""Bluesky (the AT Protocol): everything Soku knows of it, in one package.

manifest.py (limits and media rules, with sources), options.py (post options), connector.py
(connecting an account with an app password), xrpc.py (the account's PDS: its URL vetted by the
SSRF rules, the pinned client, XRPC errors sorted into the publishing taxonomy), richtext.py
(facets: links, mentions, hashtags as UTF-8 byte ranges), publisher.py (publishing exactly once
under a record key of our own, delete, session refresh), insights.py (metrics: not supported).
The core reaches these only through shared/platforms/loader.py; the tests run against the
AT Protocol's reference PDS itself (devstack/bluesky), not a sandbox.
"""
