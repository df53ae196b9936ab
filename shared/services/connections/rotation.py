"""Moved to shared/services/key_rotation.py, which re-seals webhook endpoint secrets too.

Kept so `python -m shared.services.connections.rotation` and its imports still work.
"""

from __future__ import annotations

import sys

from shared.services.key_rotation import Rotation, main, reseal_all  # noqa: F401 - re-exported

if __name__ == "__main__":
    sys.exit(main())
