"""WordPress (self-hosted, connected with an application password): everything Soku knows of it.

manifest.py (limits and media rules, with sources), options.py (post options), site.py (the
user-named site: its URL vetted by the SSRF rules, the pinned client, WordPress's errors),
connector.py (connecting a site user by username and application password), publisher.py
(publishing, lookup, delete), insights.py (metrics: none). The core reaches these only through
shared/platforms/loader.py; the tests run against a real WordPress (devstack/wordpress).
"""
