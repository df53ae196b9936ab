"""Google Business Profile: not supported, and no call is made.

Per-post figures: the v4 `accounts.locations.localPosts.reportInsights` (views and clicks of a
local post) is deprecated and Google names no replacement for posts
(developers.google.com/my-business/content/sunset-dates). The Business Profile Performance API
(`businessprofileperformance.googleapis.com/v1/locations/{id}:fetchMultiDailyMetricsTimeSeries`,
developers.google.com/my-business/reference/performance/rest) gives a LOCATION's daily
impressions, calls, direction requests and website clicks: none of them is a follower, following
or post count, so they do not fit Soku's account metrics either, and are not read yet.
"""

from __future__ import annotations

from shared.services.analytics.base import unsupported

SUPPORTED = False
REASON = ("Google Business Profile has no per-post metrics any more (the v4 localPosts.reportInsights is "
          "deprecated), and its Performance API reports a location's daily impressions and actions, not "
          "followers or posts, so Soku does not read Google Business Profile metrics")


post, account = unsupported(REASON)
