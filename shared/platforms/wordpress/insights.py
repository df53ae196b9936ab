"""WordPress: not supported, and no call is made.

WordPress core counts no views, likes or shares of a post: the REST API's post object has no
such field (developer.wordpress.org/rest-api/reference/posts/#schema); view counts come from
plugins (Jetpack Stats, Site Kit) whose APIs differ per site. Comments are counted, but only
per post through `/wp/v2/comments?post=`, and are not engagement figures Soku reports for other
platforms. So the run and the account answer `not_supported` with that reason.
"""

from __future__ import annotations

from shared.services.analytics.base import unsupported

SUPPORTED = False
REASON = ("WordPress itself counts no views, likes or shares of a post (its REST API has no such figures; they "
          "come from plugins such as Jetpack Stats), so Soku has no WordPress metrics")


post, account = unsupported(REASON)
