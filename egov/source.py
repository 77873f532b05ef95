"""The article as received → clean Simplified-Chinese text split into sections.

The raw copy in ``data/raw/`` is immutable: it is read only after its SHA-256 matches the
origin record, so a changed byte is an error rather than a silently different dataset.
Cleaning is deterministic: strip the pinyin readings glued after characters, convert
Traditional to Simplified with OpenCC, split at the article's headings, drop the trailing
advertising.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from egov.errors import DataError
from egov.project import default_data_dir

#: The data folder: ``$EGOV_DATA_DIR`` when set (a copy to try an edit on), else the project's
#: (found by :mod:`egov.project`).
DATA_DIR = default_data_dir()
ORIGIN_FILE = "raw/origin.yaml"

#: A reading: one pinyin syllable carrying a tone mark, right after a CJK character.
#: Requiring the tone mark keeps ASCII text in parentheses, e.g. ``(PC)`` or ``(app)``.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_READING = re.compile(
    rf"(?<=[\u3400-\u9fff])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,6}}\)"
)

#: The section headings of the article (after cleaning) and their stable ids.
SECTIONS = {
    "国家政务服务平台成效凸显": "platform",
    "网上政务服务能力持续提升": "capability",
    "政务信息资源共享深入推进": "sharing",
    "政府网站数量呈缩减趋势": "websites",
    "政务新媒体不断发展": "new_media",
}
#: The first line of the trailing advertising; everything from here on is dropped.
BOILERPLATE_START = "更多数据请参考"


@dataclass(frozen=True)
class Article:
    """The cleaned article: title, full body text and the body split by section id."""

    title: str
    text: str
    sections: dict[str, str]


#: A data or raw file larger than this is refused before it is read (a runaway export, not data).
MAX_FILE_BYTES = 20 * 1024 * 1024
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_file(path: Path, limit: int = MAX_FILE_BYTES, what: str = "data file") -> bytes:
    """The bytes of a file the data folder names: a regular file (symlinks followed), at most
    ``limit`` bytes.

    It is opened without blocking and checked on the open descriptor, so a FIFO, a device such
    as ``/dev/zero`` or a directory is refused by name instead of hanging or filling memory; at
    most ``limit + 1`` bytes are read, whatever size the file reports.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        raise DataError(path, reason=f"cannot read the file: {err.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a file")
        via = f" (a symlink to {os.path.realpath(path)})" if path.is_symlink() else ""
        raise DataError(path, reason=f"not a regular file: it is {kind}{via}; {_a(what)} must be a "
                                     "regular file; refusing to read it")
    with os.fdopen(fd, "rb") as f:
        if st.st_size > limit:
            raise DataError(path, reason=f"file is {st.st_size:,} bytes, over the {limit:,}-byte limit "
                                         f"for {_a(what)}; refusing to read it")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise DataError(path, reason=f"file holds more than the {limit:,}-byte limit for {_a(what)} "
                                     "(it grew while being read); refusing the rest")
    return data


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(read_file(path, what="raw file")).hexdigest()


#: The YAML files egov reads (origin records, build parameters) are small and plain: a bigger
#: file, deeper nesting, or more values once its aliases (``*name``) are expanded is a crafted
#: file (a "billion laughs"), refused before it can fill memory.
YAML_MAX_BYTES = 1024 * 1024
YAML_MAX_DEPTH = 50
YAML_MAX_VALUES = 100_000


class _YamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than :data:`YAML_MAX_DEPTH` while it
    composes and more than :data:`YAML_MAX_VALUES` values (aliases expanded) before it
    constructs anything."""

    def __init__(self, text: str, path: Path, what: str):
        super().__init__(text)
        self.path, self.what, self.depth = path, what, 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > YAML_MAX_DEPTH:
                raise DataError(self.path, row=self.peek_event().start_mark.line + 1,
                                reason=f"nested more than {YAML_MAX_DEPTH} levels deep; {_a(self.what)} "
                                       "is never that deep, refusing it")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def get_single_data(self):
        root = self.get_single_node()
        if root is None:
            return None
        todo, count = [root], 0
        while todo:  # each node as many times as aliases repeat it (a loop counts forever)
            node = todo.pop()
            count += 1
            if count > YAML_MAX_VALUES:
                raise DataError(self.path, reason=f"holds more than {YAML_MAX_VALUES:,} values once its "
                                                  "aliases (*name) are expanded (a \"billion laughs\" file?); "
                                                  f"{_a(self.what)} is small, refusing it")
            if isinstance(node, yaml.SequenceNode):
                todo += node.value
            elif isinstance(node, yaml.MappingNode):
                todo += [n for pair in node.value for n in pair]
        return self.construct_document(root)


def read_text(path: Path, limit: int = MAX_FILE_BYTES, what: str = "data file") -> str:
    """A file's text: :func:`read_file`'s checks, then UTF-8 (a byte-order mark dropped).

    Raises:
        DataError: naming the file, and the line of a byte that is not UTF-8.
    """
    data = read_file(path, limit, what)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise DataError(path, row=data[: err.start].count(b"\n") + 1,
                        reason=f"not UTF-8 (byte {err.start}); save the file as UTF-8") from None


def read_rows(path: Path, what: str = "data table") -> list[dict[str, str]]:
    """The rows of a CSV file of the data folder, by column name, read with :func:`read_text`
    (so a FIFO or a device in its place is refused by name, never waited on)."""
    return list(csv.DictReader(io.StringIO(read_text(path, what=what), newline="")))


def read_yaml(path: Path, what: str, limit: int = YAML_MAX_BYTES):
    """A small YAML file's values (:func:`read_file`'s checks, UTF-8, and the limits above).

    Raises:
        DataError: naming the file (and the line where known) and what is wrong.
    """
    text, loader = read_text(path, limit, what), None
    try:
        loader = _YamlLoader(text, Path(path), what)  # a control character is refused here
        return loader.get_single_data()
    except yaml.reader.ReaderError as err:
        raise DataError(path, row=text[: err.position].count("\n") + 1,
                        reason=f"not valid YAML: control character U+{err.character:04X}; YAML allows none "
                               "but tab and line breaks, delete it") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise DataError(path, row=mark.line + 1 if mark else None, reason=f"not valid YAML: "
                        f"{(getattr(err, 'problem', None) or str(err)).splitlines()[0]}") from None
    finally:
        if loader is not None:
            loader.dispose()


def origins(data_dir: Path = DATA_DIR) -> dict:
    """The origin records of the raw files (``data/raw/origin.yaml``): each has at least a
    ``path`` and a ``sha256``."""
    path = Path(data_dir) / ORIGIN_FILE
    if not path.exists():
        raise DataError(path, reason="origin record is missing; expected data/raw/origin.yaml")
    record = read_yaml(path, "origin record")
    files = record.get("files") if isinstance(record, dict) else None
    if not isinstance(files, dict):
        raise DataError(path, reason="expected a mapping 'files:' of raw file names to their records")
    for name, r in files.items():
        if not (isinstance(r, dict) and isinstance(r.get("path"), str) and isinstance(r.get("sha256"), str)):
            raise DataError(path, column=f"files.{name}", reason="expected a record with a 'path' and a 'sha256'")
    return record


def read_raw(name: str, data_dir: Path = DATA_DIR) -> str:
    """Read a raw file as text after checking its SHA-256 against its origin record.

    Raises:
        DataError: the file is missing, its checksum differs, or it is not UTF-8.
    """
    record = origins(data_dir)["files"].get(name)
    if record is None:
        raise DataError(Path(data_dir) / "raw" / name, reason="no origin record for this raw file")
    rel = Path(os.path.normpath(record["path"]))
    path = Path(data_dir) / "raw" / rel
    if rel.is_absolute() or rel.parts[:1] == ("..",):
        raise DataError(Path(data_dir) / ORIGIN_FILE, column=f"files.{name}.path",
                        reason=f"{record['path']!r} leads outside data/raw; a raw file must be inside it")
    if not path.exists():
        raise DataError(path, reason="raw file is missing")
    data = read_file(path, what="raw file")
    actual = hashlib.sha256(data).hexdigest()
    if actual != record["sha256"]:
        raise DataError(
            path,
            reason=f"checksum mismatch: expected SHA-256 {record['sha256']}, found {actual}; "
            "raw files are immutable, restore the original bytes",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(path, row=line, reason=f"not UTF-8 (byte {err.start})") from None


def strip_readings(text: str) -> str:
    """Remove pinyin readings glued after characters.

    >>> strip_readings("互聯(lián)網(wǎng)平臺(含PC端)")
    '互聯網平臺(含PC端)'
    """
    return PINYIN_READING.sub("", text)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese with OpenCC's ``t2s`` dictionary.

    >>> to_simplified("國家政務服務平臺")
    '国家政务服务平台'
    """
    return _converter().convert(text)


def clean(raw: str) -> str:
    """Readings stripped, Simplified, boilerplate dropped, line ends normalised."""
    text = to_simplified(strip_readings(raw)).replace("\r\n", "\n")
    cut = text.find(BOILERPLATE_START)
    if cut >= 0:
        text = text[:cut]
    return text.strip() + "\n"


def split(text: str) -> Article:
    """Split cleaned text at the known headings.

    The first line holds the title, a space and the lead of the article; each heading line
    opens a section that runs to the next heading.
    """
    lines = text.splitlines()
    title = lines[0].split(" ")[0]
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines[1:]:
        if line.strip() in SECTIONS:
            current = SECTIONS[line.strip()]
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    missing = [sid for sid in SECTIONS.values() if sid not in sections]
    if missing:
        raise DataError("article", reason=f"sections not found: {', '.join(missing)}")
    return Article(title, text, {k: "\n".join(v) for k, v in sections.items()})


@lru_cache(maxsize=4)
def _load(data_dir: str) -> Article:
    return split(clean(read_raw("article", Path(data_dir))))


def article(data_dir: Path = DATA_DIR) -> Article:
    """The cleaned article (checksum verified)."""
    return _load(str(Path(data_dir).resolve()))
