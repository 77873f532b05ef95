"""Government websites: counts by level, sections (栏目) by level and type, homepage updates."""

from __future__ import annotations

from egov.facts import Query, add, change, compare, present, ranking, trend


def facts(q: Query) -> dict:
    total, prev, first = q("gov_websites"), q("gov_websites@prev"), q("gov_websites@first")
    # compared with the first CNNIC count too, when that is neither the edition nor the last one
    distinct = (present(first, total) and first.period != total.period
                and (not present(prev) or first.period != prev.period))
    columns, columns_prev = q("gov_website_columns"), q("gov_website_columns@prev")
    types = ["info_disclosure", "online_services", "news"]
    return {
        "relabel": _relabel(q),
        "total": total,
        # the count fell or rose since the last CNNIC report, and since the first one
        "since_prev": change(prev, total),
        "since_first": change(first, total) if distinct else None,
        "trend": trend(q, "gov_websites"),
        "levels": q.values(govcn="gov_websites[level=govcn]", state_council="gov_websites[level=state_council]",
                           central="gov_websites[level=central]",
                           central_share="gov_websites_share[level=central]",
                           below="gov_websites[level=provincial_and_below]",
                           municipal="gov_websites[level=municipal_and_below]",
                           municipal_share="gov_websites_share[level=municipal_and_below]"),
        "columns": columns,
        "columns_change": change(columns_prev, columns),
        "columns_municipal": q("gov_website_columns[level=municipal]"),
        "columns_municipal_share": q("gov_website_columns_share[level=municipal]"),
        # which type of section is most common: ranked by share, from the data; and each type's count
        "column_types": ranking(*(q(f"gov_website_columns_share[type={t}]") for t in types)),
        "column_counts": {f"type={t}": q(f"gov_website_columns[type={t}]") for t in types},
        "updates_all": q("homepage_updates_growth[level=all]"),
        "updates_county": q("homepage_updates_growth[level=county]"),
        "updates_county_vs_all": compare(q("homepage_updates_growth[level=county]"),
                                         q("homepage_updates_growth[level=all]")),
        "updates_all_prev": q("homepage_updates_growth[level=all]@prev"),
    }


def _relabel(q: Query) -> dict | None:
    """The sums showing that CNNIC's figure for 'State Council departments' is the central level,
    www.gov.cn included: gov.cn + State Council = central, central + provincial and below = total,
    this edition and in the 45th (2019-12) and 43rd (2018-12) reports. None unless every sum
    holds (so the text never prints one that does not)."""
    level = "gov_websites[level={}]{}".format
    sums = {"central": (add(q(level("govcn", "")), q(level("state_council", ""))), q(level("central", ""))),
            "total": (add(q(level("central", "")), q(level("provincial_and_below", ""))), q("gov_websites"))}
    for key, period in (("cnnic45", "@2019-12"), ("cnnic43", "@2018-12")):
        sums[key] = (add(q(level("central", period)), q(level("provincial_and_below", period))), q("gov_websites" + period))
    if not all(present(a, b) and float(a) == float(b) for a, b in sums.values()):
        return None
    return {k: a for k, (a, _) in sums.items()}
