"""The contracts report: per platform, what was checked against which contract, and the total.

`make contracts` (and every `make test`) ends with it; the last line reads
`contracts: <N> checked, <V> violations`, N counting each request and each answer.
"""

from __future__ import annotations

from devstack.contracts import registry
from devstack.contracts.ledger import LEDGER, Ledger

ALL_PLATFORMS = ("x", "facebook", "instagram", "threads", "tiktok", "youtube", "linkedin", "snapchat", "pinterest", "reddit", "openai")


def lines(ledger: Ledger = LEDGER) -> list[str]:
    snap = ledger.snapshot()
    out = []
    violations_by_platform: dict[str, int] = {}
    for violation in snap["violations"]:
        violations_by_platform[violation["platform"]] = violations_by_platform.get(violation["platform"], 0) + 1
    for platform in ALL_PLATFORMS:
        contract = registry.contract_for(platform)
        uncovered = snap["uncovered"].get(platform, {})
        unchecked = sum(uncovered.values())
        if contract is None:
            out.append(f"{platform}: no machine-readable contract ({registry.NO_CONTRACT.get(platform, '?')}); "
                       f"{unchecked} exchanges unchecked")
            continue
        operations = snap["operations"].get(platform, {})
        out.append(f"{platform}: {snap['checked'].get(platform, 0)} messages checked in {sum(operations.values())} "
                   f"exchanges over {len(operations)} operations, {violations_by_platform.get(platform, 0)} violations; "
                   f"contract: {contract.source} (version {contract.version})")
        if uncovered:
            listed = ", ".join(f"{call} ×{count}" for call, count in sorted(uncovered.items()))
            out.append(f"  not in the contract: {listed}")
    for violation in snap["violations"][:20]:
        out.append(f"  VIOLATION {violation['exchange']}: {violation['side']}: {violation['message']}")
    if len(snap["violations"]) > 20:
        out.append(f"  … {len(snap['violations']) - 20} more violations")
    if snap["provoked"]:
        out.append(f"  ({snap['provoked']} violations provoked on purpose by the checker's own tests, not counted)")
    total = sum(snap["checked"].values())
    out.append(f"contracts: {total} checked, {len(snap['violations'])} violations")
    return out
