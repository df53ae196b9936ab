"""The caller's rate-limit tier, which also sets its media quotas and daily limits."""

from __future__ import annotations

from shared.services import rate_limits


def caller_tier(ctx) -> rate_limits.Tier:
    """The tier the rate limiter admitted this request at; for a request it did not count
    (the limiter failed open), the tier its identity would have (API keys belong to
    subscribed users)."""
    if ctx.rate_limit is not None:
        return ctx.rate_limit.tier
    ip = rate_limits.client_ip(ctx.request.remote_addr, ctx.request.headers.get("X-Forwarded-For"))
    return rate_limits.tier_for(ctx.user_id, True, ip)
