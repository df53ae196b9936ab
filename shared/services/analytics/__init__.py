"""Post and account analytics: each platform's own metrics for what Soku published.

`service.py` answers the two routes (per run of a post, per account), `cache.py`
keeps each answer a few minutes in Firestore (`metricsCache`), and
`platforms/` holds one fetcher per platform, each calling that platform's
insights endpoints through `publishing.account_calls.with_account` (fresh
tokens, one refresh on 401). docs/analytics.md describes the routes.
"""
