"""Connecting accounts: OAuth flows per platform, sealed tokens, account health.

`flow.start` signs a state and builds the platform's authorize URL; the public
callback function hands the platform's answer to `flow.complete`, which checks
and uses up the state, exchanges the code, asks the platform which accounts the
grant covers and stores each at `users/{uid}/integrations/{platform}/accounts/
{accountId}` with its tokens sealed (AES-256-GCM). `store` reads an account's
health and disconnects it. One module per platform holds what is specific.
"""
