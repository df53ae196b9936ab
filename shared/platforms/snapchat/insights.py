"""Snapchat: not supported, and no call is made.

Snap's Public Profile API (developers.snap.com/api/marketing-api/Public-Profile-API/Introduction)
says it offers analytics for a profile's content, but it is allowlist-only and the reference
Soku's Snapchat publisher was built against (reference/platform-apis.md §8) documents no stats
endpoint, response shape or scope for them beyond `snapchat-profile-api`. Rather than guess at
an undocumented endpoint, the run and the account answer `not_supported` with that reason.
"""

from __future__ import annotations

from shared.services.analytics.base import unsupported

SUPPORTED = False
REASON = ("Snapchat's Public Profile API statistics are allowlist-only and not documented for the "
          "snapchat-profile-api scope Soku uses, so Soku does not read Snapchat metrics")


post, account = unsupported(REASON)
