"""What Meta's Graph API platforms share (Facebook, Instagram, Threads): the wire format and
error mapping of Graph calls (publishing.py), insights values (insights.py) and Meta's login
(login.py). Used only by those platform packages, never by the core."""
