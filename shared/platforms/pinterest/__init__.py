"""Pinterest (API v5): everything Soku knows of it, in one package.

manifest.py (limits and media rules, with sources), options.py (post options: the board, title,
link, alt text), connector.py (connecting an account), publisher.py (publishing, lookup, delete,
boards), insights.py (metrics). The core reaches these only through shared/platforms/loader.py;
the sandbox is devstack/sandboxes/pinterest.
"""
