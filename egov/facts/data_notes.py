"""The data notes: how many observations of each kind, what cleaning changed, how the checks went."""

from __future__ import annotations

from egov import data, notes
from egov.facts import relabelled


def facts() -> dict:
    obs = data.observations()
    found = notes.results("en")
    return {
        "counts": notes.counts(),
        "cleaning": notes.cleaning(),
        "corrected": int((obs["status"] == "corrected").sum()),
        "relabelled": relabelled(obs),
        "derived": int((obs["status"] == "derived").sum()),
        "gaps": int((obs["status"] == "gap").sum()),
        "rules": len(found), "passed": sum(r.passed for r in found), "failed": sum(not r.passed for r in found),
        "sources": len(data.table("sources")),
    }
