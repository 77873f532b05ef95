"""Check what a rendered text says against the data, independently of the code that wrote it.

The narrative records, with each block it shows, every value it printed and every comparison
it worded, as expressions in the reference grammar with explicit periods. Here each is
recomputed from the observations (:func:`egov.checks.evaluate`) and compared with what the
text said: a printed number that differs, or a word ("fewer", "faster", "most") that the
numbers contradict, is reported.
"""

from __future__ import annotations

from egov import checks


def _value(expr: str, obs) -> float:
    return checks.evaluate(expr, obs)


def problems(meta: dict, obs) -> list[str]:
    """What a block's ``egov_narrative`` metadata claims that the observations do not bear out."""
    out = []
    for f in meta.get("figures", []):
        if not f["expr"]:
            continue  # UN values: checked against the UN table in tests/test_facts.py
        got = _value(f["expr"], obs)
        if abs(got - f["value"]) > 1e-6 * max(1.0, abs(got)):
            out.append(f"{meta['block']}: printed {f['value']} for {f['expr']}, the data gives {got}")
    for c in meta.get("claims", []):
        if c["kind"] == "change":
            if not c["before"] or not c["after"]:
                continue
            d = _value(c["after"], obs) - _value(c["before"], obs)
            d = d if c["better"] == "higher" else -d
            truth = "up" if d > 0 else "down" if d < 0 else "same"
        elif c["kind"] == "trend":
            if not all(c["exprs"]):
                continue
            vals = [_value(e, obs) for e in c["exprs"]]
            steps = [(b - a) * (1 if c.get("better", "higher") == "higher" else -1) for a, b in zip(vals, vals[1:])]
            truth = "up" if all(s > 0 for s in steps) else "down" if all(s < 0 for s in steps) else "mixed"
        elif c["kind"] == "order":
            vals = [_value(e, obs) for e in c["exprs"]]
            truth = c["said"] = "descending"
            if any(a < b for a, b in zip(vals, vals[1:])):
                truth = "not descending"
        else:
            out.append(f"{meta['block']}: unknown claim {c}")
            continue
        if truth != c["said"]:
            out.append(f"{meta['block']}: the text says {c['said']!r} where the data gives {truth!r}: {c}")
    return out
