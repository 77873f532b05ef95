"""Notebook parameters: what each notebook declares, and the values given on the command line
or in a parameters file, checked before anything runs.

A ``-p`` value is converted to the type of the notebook's default (``-p code 007`` stays the
string ``"007"`` where the default is a string); a name no selected notebook declares, or a
value of the wrong type, is a :class:`~egov.errors.ParameterError` (exit code 2).
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from egov.build.layout import show
from egov.errors import ParameterError

@dataclass(frozen=True)
class Param:
    """A parameter declared in a notebook's ``parameters`` cell."""

    name: str
    type: str  # str int float bool list[str] list[int] list[float] list dict any
    default: object


def declared_parameters(notebooks: list[Path]) -> tuple[dict[Path, dict[str, Param]], dict[Path, str]]:
    """What each notebook declares, and, apart, the notebooks that cannot be read (each with
    its message): those fail on their own while the others are built."""
    declared, broken = {}, {}
    for nb in notebooks:
        try:
            declared[nb] = notebook_parameters(nb)
        except NotebookError as err:
            broken[nb] = str(err)
    return declared, broken


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "bool"
    for t in (int, float, str, dict):
        if isinstance(value, t):
            return t.__name__
    if isinstance(value, (list, tuple)):
        kinds = {_type_of(v) for v in value}
        if len(kinds) == 1 and next(iter(kinds)) in ("str", "int", "float"):
            return f"list[{next(iter(kinds))}]"
        return "list"
    return "any"


_ANNOTATIONS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "dict": "dict",
                "list": "list", "list[str]": "list[str]", "list[int]": "list[int]",
                "list[float]": "list[float]", "List[str]": "list[str]", "List[int]": "list[int]"}


def _cell_source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


class NotebookError(Exception):
    """A file in the notebooks folder that is not a notebook: that report fails (exit code 1),
    the others are built."""


#: A notebook file larger than this is not one of the report's notebooks.
NOTEBOOK_MAX_BYTES = 64 * 1024 * 1024


def read_notebook(path: Path) -> dict:
    """A notebook file's JSON, checked for the shape papermill needs (format 4, a list of
    cells, each with a type and a source); read with :func:`egov.source.read_file` (a regular
    file, capped), so a FIFO or a device named ``*.ipynb`` cannot hang the build.

    Raises:
        NotebookError: naming the notebook and what is wrong with it.
    """
    from egov.errors import DataError
    from egov.source import read_file

    def broken(why: str) -> NotebookError:
        return NotebookError(f"{show(path)}: {not_a_notebook(path, why)}")

    try:
        nb = json.loads(read_file(path, NOTEBOOK_MAX_BYTES, "notebook").decode("utf-8"))
    except DataError as err:
        raise NotebookError(f"{show(path)}: {err.reason}") from None
    except UnicodeDecodeError as err:
        raise broken(f"not UTF-8 (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise broken(f"invalid JSON at line {err.lineno}, column {err.colno} ({err.msg})") from None
    except RecursionError:
        raise broken("invalid JSON: nested too deep") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or nb.get("nbformat") != 4 or not isinstance(nb.get("nbformat_minor", 0), int) \
            or not isinstance(nb.get("metadata", {}), dict):
        raise broken("expected a JSON object with \"nbformat\": 4, an integer \"nbformat_minor\", a list of "
                     "\"cells\" and \"metadata\"")
    for n, cell in enumerate(cells, start=1):
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if not (isinstance(cell, dict) and isinstance(cell.get("cell_type"), str)
                and (isinstance(source, str) or isinstance(source, list) and all(isinstance(x, str) for x in source))
                and isinstance(cell.get("metadata", {}), dict)):
            raise broken(f"cell {n} is not a cell (a JSON object with a cell_type, a source and metadata)")
    return nb


def not_a_notebook(path: Path, why: str) -> str:
    """What a report says of a file in the notebooks folder that is not a notebook."""
    return (f"not a notebook: {why}; restore it (git checkout {show(path)}) or move it out of the "
            "notebooks folder")


def notebook_parameters(path: Path) -> dict[str, Param]:
    """The parameters a notebook declares: ``name = literal`` (or ``name: type = literal``)
    lines in the cell tagged ``parameters``, with the type of the default (or the annotation).

    Raises:
        NotebookError: the file is not a notebook.
        ParameterError: no cell is tagged ``parameters``, or it is not valid Python.
    """
    nb = read_notebook(path)
    cells = [c for c in nb["cells"] if "parameters" in (c.get("metadata", {}).get("tags") or [])]
    if not cells:
        raise ParameterError(f"{show(path)}: no cell is tagged 'parameters'; "
                             "every report notebook declares lang and its other parameters there")
    src = _cell_source(cells[0])
    try:
        tree = ast.parse(src)
    except SyntaxError as err:
        raise ParameterError(f"{show(path)}: the parameters cell is not valid Python ({err.msg}, "
                             f"line {err.lineno})") from None
    params: dict[str, Param] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation, value_node = node.targets[0].id, None, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, annotation, value_node = node.target.id, ast.unparse(node.annotation), node.value
        else:
            continue
        try:
            default = ast.literal_eval(value_node)
        except ValueError:
            default = ast.unparse(value_node)
            kind = "any"
        else:
            kind = _type_of(default)
        if annotation is not None:
            kind = _ANNOTATIONS.get(annotation.replace(" ", ""), kind)
        params[name] = Param(name, kind, default)
    return params


_TYPE_WORDS = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
               "list[str]": "a list of strings", "list[int]": "a list of integers",
               "list[float]": "a list of numbers", "list": "a list", "dict": "a mapping"}


def _describe(value) -> str:
    return f"{_type_of(value).split('[')[0].replace('str', 'string').replace('int', 'integer')} {value!r}"


def convert_cli_value(param: Param, raw: str):
    """Convert a ``-p NAME VALUE`` string to the declared type (never guess from the text).

    >>> convert_cli_value(Param("code", "str", "001"), "007")
    '007'
    >>> convert_cli_value(Param("top", "int", 3), "5")
    5
    >>> convert_cli_value(Param("peers", "list[str]", ["CHN"]), "USA, KOR")
    ['USA', 'KOR']
    """
    t = param.type
    if t in ("str", "any"):
        return raw
    if t == "int":
        if re.fullmatch(r"\s*[+-]?\d+\s*", raw):
            return int(raw)
    elif t == "float":
        try:
            value = float(raw)
        except ValueError:
            pass
        else:
            if value == value and value not in (float("inf"), float("-inf")):
                return value
    elif t == "bool":
        low = raw.strip().lower()
        if low in ("true", "yes", "1", "on"):
            return True
        if low in ("false", "no", "0", "off"):
            return False
    elif t.startswith("list"):
        text = raw.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as err:
                raise ParameterError(f"parameter {param.name!r}: {raw!r} is not a JSON list ({err.msg}); "
                                     "write a JSON list or comma-separated values") from None
            return check_value(param, value)
        items = [s.strip() for s in text.split(",")] if text else []
        inner = t[5:-1] if "[" in t else "str"
        return [convert_cli_value(Param(param.name, inner, None), s) for s in items]
    elif t == "dict":
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            return value
    raise ParameterError(f"parameter {param.name!r} must be {_TYPE_WORDS.get(t, t)} "
                         f"(its default is {param.default!r}); got {raw!r}")


def _is(t: str, value) -> bool:
    if t.startswith("list"):
        inner = t[5:-1] if "[" in t else "any"
        return isinstance(value, list) and all(_is(inner, v) for v in value)
    return {
        "any": True,
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "dict": isinstance(value, dict),
    }.get(t, False)


def check_value(param: Param, value):
    """Check an already-typed value (from the parameters file) against the declared type."""
    t = param.type
    if _is(t, value):
        if t == "float":
            return float(value)
        if t == "list[float]":
            return [float(v) for v in value]
        return value
    hint = ""
    if t == "str" and not isinstance(value, str):
        hint = f"; quote it to keep it a string (\"{value}\")"
    raise ParameterError(f"parameter {param.name!r} must be {_TYPE_WORDS.get(t, t)} "
                         f"(its default is {param.default!r}); got {_describe(value)}{hint}")


def resolve_parameters(notebooks: list[Path] | dict[Path, dict[str, Param]], cli: list[tuple[str, str]],
                       file_values: dict) -> dict[Path, dict]:
    """The parameters to pass to each notebook (``lang`` excluded: the build sets it); the
    notebooks are given as paths, or with what they declare (:func:`declared_parameters`).

    A parameter is passed to the notebooks that declare it; a name none of them declares is an
    error, and so is a value of the wrong type for any notebook that declares it.
    """
    declared = notebooks if isinstance(notebooks, dict) else {nb: notebook_parameters(nb) for nb in notebooks}
    for nb, params in declared.items():
        if "lang" not in params:
            raise ParameterError(f"{show(nb)}: the parameters cell declares no 'lang'; "
                                 "every report notebook takes lang ('zh' or 'en')")
    given: dict[str, tuple[str, object]] = {}
    for name, value in file_values.items():
        given[str(name)] = ("file", value)
    for name, value in cli:
        given[name] = ("cli", value)
    if "lang" in given:
        raise ParameterError("'lang' is set by the build for each language; use --lang zh,en")
    known = sorted({n for params in declared.values() for n in params})
    for name in given:
        if not any(name in params for params in declared.values()):
            raise ParameterError(f"unknown parameter {name!r}: no selected notebook declares it; "
                                 f"declared: {', '.join(n for n in known if n != 'lang')}")
    out: dict[Path, dict] = {}
    checked: set[str] = set()
    for nb, params in declared.items():
        values = {}
        for name, (origin, value) in sorted(given.items()):
            if name not in params:
                continue
            try:
                values[name] = (convert_cli_value(params[name], value) if origin == "cli"
                                else check_value(params[name], value))
            except ParameterError as err:
                raise ParameterError(f"{show(nb)}: {err}") from None
            if name not in checked:
                _check_value_rules(name, values[name])
                checked.add(name)
        out[nb] = values
    return out


def _check_value_rules(name: str, value) -> None:
    """The values the notebooks accept, beyond the type: :mod:`egov.params` has a
    ``check_<name>`` for the shared parameters (``as_of`` a month within the data, ``peers``
    ISO3 codes in the UN data); the notebooks call the same checks, so a bad value fails here,
    before anything runs, rather than in every notebook."""
    try:
        from egov import params as rules
    except ImportError:
        return
    check = getattr(rules, f"check_{name}", None)
    if check is None:
        return
    try:
        check(value)
    except ParameterError:
        raise
    except Exception:  # a check that cannot run here (e.g. data missing) is left to the notebook
        return


def load_parameters_file(path: Path) -> dict:
    """The values of ``--parameters-file``: a YAML mapping, read with the limits of
    :func:`egov.source.read_yaml` (size, nesting, aliases), so a crafted file fails fast."""
    from egov.errors import DataError
    from egov.source import read_yaml

    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise ParameterError(f"--parameters-file {show(path)}: no such file")
    try:
        values = read_yaml(path, "parameters file")
    except DataError as err:
        raise ParameterError(f"--parameters-file {err}") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ParameterError(f"--parameters-file {show(path)}: expected a mapping of parameter names "
                             f"to values (name: value, one a line), found {_type_of(values).split('[')[0]}")
    return values
