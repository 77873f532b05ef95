"""The ``egov`` command: check the data, describe it, export it, cite it, list the editions,
build the reports.

Every subcommand finds its project with :mod:`egov.project` (``--project DIR``,
``$EGOV_PROJECT``, the current folder or one above it, the source checkout). Every error ends
in one line naming its cause and an exit code: 1 for failures, 2 for bad input (data,
options, parameters, no project), 130 when interrupted. ``EGOV_DEBUG=1`` adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from egov import __version__, project
from egov.errors import DEBUG_ENV, describe, exit_code

EXIT_CODES = ("Exit codes: 0 success; 1 a failure (a rule failed, a notebook failed, a file could "
              "not be written); 2 bad input (data breaking its schema, a bad option, no project).")


def _check(args) -> int:
    from egov import checks

    results = checks.run(project.find(args.project).data, lang=args.lang)
    print(checks.report(results))
    return 0 if all(r.passed for r in results) else 1


def _datapackage(args) -> int:
    from egov import data, dictionary
    from egov.schema import write_datapackage

    data_dir = project.find(args.project).data
    data.tables(data_dir)  # describe only data that validate
    print(write_datapackage(data_dir))
    print(dictionary.write(data_dir))
    return 0


def _export(args) -> int:
    from egov import export

    p = project.find(args.project)
    for path in export.write(args.output or p.reports / "data", p.data):
        print(path)
    return 0


def _cite(args) -> int:
    from egov import citation

    if args.format == "cff":
        print(citation.cff(), end="")
        return 0
    langs = [args.lang] if args.lang else ["zh", "en"]
    print("\n\n".join("\n".join([citation.text(lang), *citation.sources(lang)]) for lang in langs))
    return 0


def _editions(args) -> int:
    from egov import editions

    return editions.main(args, project.find(args.project).data)


def _subcommand(sub, name: str, summary: str, description: str, func, *, in_project: bool = True):
    p = sub.add_parser(name, help=summary, description=f"{description} {EXIT_CODES}")
    if in_project:
        project.add_argument(p)
    p.set_defaults(func=func)
    return p


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="egov", description="China's internet e-government in 2020: validated data, "
                                 "consistency checks, a one-file export and reports in Chinese and English.",
        epilog=f"{EXIT_CODES} Set {DEBUG_ENV}=1 to see the traceback behind an error.")
    p.add_argument("--version", action="version", version=f"egov {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    c = _subcommand(sub, "check", "validate the data and run every consistency rule",
                    "Load every table of data/ (types, constraints, keys across tables, raw-file "
                    "checksums), then run every consistency rule of data/rules.csv and the "
                    "whole-table rules, printing PASS or FAIL with the numbers for each.", _check)
    c.add_argument("--lang", choices=["zh", "en"], default="en", help="language of the rule descriptions")
    _subcommand(sub, "datapackage", "write data/datapackage.json and data/README.md from the schemas",
                "Validate the data, then regenerate the Frictionless descriptor "
                "data/datapackage.json and the data dictionary data/README.md (every table, field, "
                "type, unit, constraint and description) from egov/schema.py.", _datapackage)
    e = _subcommand(sub, "export", "write the data as one tidy table: CSV, Excel and Parquet",
                    "Write the observations (article and reference sources, with indicator names "
                    "in Chinese and English, units, breakdown labels, status, confidence and "
                    "source) and the UN EGDI table as CSV (UTF-8 with BOM), Parquet and one Excel "
                    "workbook with a README sheet (licence, citation, columns). Files it did not "
                    "write are never replaced or deleted.", _export)
    e.add_argument("-o", "--output", metavar="DIR", help="where to write (default: reports/data/ in the project)")
    n = _subcommand(sub, "editions", "list the periods a report can be built for, and what each section has",
                    "An edition is a month for which some section has figures (a year's figures "
                    "count in each month of the year). Without PERIOD: every edition with, per "
                    "section, the indicators it has figures for. With PERIOD: that edition's "
                    "figures, one a line (section, reference). Build one with egov build -p as_of PERIOD.",
                    _editions)
    n.add_argument("period", nargs="?", help="one edition (YYYY-MM): its figures, one a line")
    t = _subcommand(sub, "cite", "print how to cite egov (and its sources)",
                    "Print the citation of egov and of the works its numbers come from, in Chinese "
                    "and English, or CITATION.cff.", _cite, in_project=False)
    t.add_argument("--lang", choices=["zh", "en"], help="one language only (default: both)")
    t.add_argument("--format", choices=["text", "cff"], default="text",
                   help="text (default) or cff: the Citation File Format, as in CITATION.cff")
    try:
        from egov import build
    except ImportError:  # the build module arrives with the report issue
        build = None
    if build is not None:
        build.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # bad usage: argparse prints it and exits 2
    try:
        return args.func(args)
    except (Exception, KeyboardInterrupt) as err:
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            traceback.print_exc()
        print(f"egov {args.command}: error: {describe(err)}", file=sys.stderr)
        return exit_code(err)


if __name__ == "__main__":
    sys.exit(main())
