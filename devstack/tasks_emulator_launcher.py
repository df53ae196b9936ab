"""Runs gcloud-tasks-emulator (in its own virtualenv) bound to loopback only.

The emulator binds `[::]:PORT` and ignores its host flag, so grpc's
add_insecure_port is patched to bind 127.0.0.1 before its main() runs.
Usage: python tasks_emulator_launcher.py start -p PORT [-r MAX_RETRIES]
"""

import grpc._server

_original_add_insecure_port = grpc._server._Server.add_insecure_port


def _loopback_only(self, address):
    for wildcard in ("[::]", "0.0.0.0", "localhost"):
        address = address.replace(wildcard, "127.0.0.1")
    return _original_add_insecure_port(self, address)


grpc._server._Server.add_insecure_port = _loopback_only

from gcloud_tasks_emulator.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
