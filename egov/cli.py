"""The ``egov`` command: ``egov check`` (consistency rules), ``egov editions`` (the periods a report
can be built for), ``egov datapackage``, ``egov build``."""

from __future__ import annotations

import argparse
import sys

from egov.errors import DataError, ParameterError


def _check(args) -> int:
    from egov import checks

    results = checks.run(lang=args.lang)
    print(checks.report(results))
    return 0 if all(r.passed for r in results) else 1


def _datapackage(args) -> int:
    from egov.schema import write_datapackage
    from egov.source import DATA_DIR

    print(write_datapackage(DATA_DIR))
    return 0


def _editions(args) -> int:
    from egov import editions

    return editions.main(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="egov", description="China's internet e-government in 2020: data, checks, reports.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="validate the data and run every consistency rule")
    c.add_argument("--lang", choices=["zh", "en"], default="en", help="language of the rule descriptions")
    c.set_defaults(func=_check)
    e = sub.add_parser("editions", help="the periods the data has figures for, and what each section has")
    e.add_argument("period", nargs="?", help="one edition (YYYY-MM): its figures, one a line")
    e.set_defaults(func=_editions)
    d = sub.add_parser("datapackage", help="write data/datapackage.json from the schemas")
    d.set_defaults(func=_datapackage)
    try:
        from egov import build
    except ImportError:  # the build module arrives with the report issue
        build = None
    if build is not None:
        build.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (DataError, ParameterError) as err:
        print(f"egov: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
