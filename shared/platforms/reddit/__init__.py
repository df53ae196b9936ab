"""Reddit: everything Soku knows of it, in one package.

manifest.py (limits and media rules, with sources), options.py (post options: the subreddit,
title, flair, link, nsfw/spoiler), compose.py (what a Soku post becomes: title, body, kind),
connector.py (connecting an account), publisher.py (submitting exactly once, lookup, delete,
a subreddit's rules and flairs), insights.py (metrics), preflight.py (the subreddit's own rules
checked at submission: flair required, title length, self posts allowed). The core reaches
these only through shared/platforms/loader.py; the sandbox is devstack/sandboxes/reddit.
"""
