"""The committed clients (clients/python/soku_client/, clients/typescript/src/generated/) are what
`make sdks` generates from the committed openapi.json: both generators run into a temporary
folder (devstack/sdks.py) and every differing file is named. `make test` installs the tools."""

from __future__ import annotations

import json
import shutil

import pytest

from devstack import sdks


def test_the_committed_clients_are_what_make_sdks_generates(tmp_path):
    if not (sdks.TS / "node_modules" / ".bin" / "openapi-typescript").exists():
        pytest.fail("clients/typescript/node_modules is missing: `make sdk-tools` installs it (`make test` does)")
    sdks.generate(tmp_path)
    found = sdks.differences(tmp_path)
    assert not found, "the generated clients are out of date; run `make sdks` (after `make openapi`):\n" + \
        "\n".join(found)


def test_a_changed_document_is_a_named_difference(tmp_path):
    """The check sees a change: one operation's summary edited shows in both clients."""
    document = json.loads(sdks.DOCUMENT.read_text())
    document["paths"]["/v1/me"]["get"]["summary"] = "Changed by tests/test_sdks.py"
    changed = tmp_path / "openapi.json"
    changed.write_text(json.dumps(document))
    out = tmp_path / "out"
    out.mkdir()
    sdks.generate(out, document=changed)
    found = sdks.differences(out)
    assert "differs: clients/typescript/src/generated/schema.ts" in found, found
    assert "differs: clients/python/soku_client/api/account/account_me.py" in found, found
    shutil.rmtree(out)
