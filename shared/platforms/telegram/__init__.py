"""Telegram: everything Soku knows of it, in one package.

manifest.py (limits and media rules, with sources), options.py (post options), connector.py
(connecting a channel or group with a bot token: a manual connection), bot_api.py (the Bot
API's URLs, answers and token redaction), publisher.py (publishing, delete), insights.py
(metrics: none). The core reaches these only through shared/platforms/loader.py; the sandbox
is devstack/sandboxes/telegram.
"""
