"""Instagram: everything Soku knows of it, in one package.

manifest.py (limits and media rules, with sources; the two account types), options.py (post
options), connector.py (connecting an account: Facebook Login through meta_graph/login.py, or
instagram_login.py), publisher.py (the registry's publisher, per account type: graph_publisher.py's
container flow, on graph.instagram.com for Instagram Login through instagram_login_publisher.py),
insights.py (metrics).
The core reaches these only through shared/platforms/loader.py; the sandbox is devstack/sandboxes.
"""
