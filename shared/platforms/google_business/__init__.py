"""Google Business Profile: everything Soku knows of it, in one package.

manifest.py (limits and media rules, with sources), options.py (post options), connector.py
(connecting an account), publisher.py (publishing, lookup, delete), insights.py (metrics).
The core reaches these only through shared/platforms/loader.py; the sandbox is devstack/sandboxes.
"""
