"""Safe YAML reading with positions, and the limits that keep hostile files harmless.

Only plain YAML data is accepted: mappings, sequences, strings, numbers, booleans, null
and dates. Tags such as ``!!python/object`` are refused, and so are anchors and aliases
(which is what makes a "billion laughs" file harmless: nothing is ever expanded).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import sys

import yaml

from .errors import PlanError, Problem

MAX_FILE_BYTES = 5_000_000  # a plan of 10,000 phases is well under 1 MB
MAX_DEPTH = 32
MAX_STRING = 100_000
MAX_ITEMS = 100_000

Path_ = tuple  # a key path: ("phases", 0, "nodes", 1, "count")

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases while composing (so nothing can be expanded)."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML's name
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark, "no anchors or aliases (&name / *name)", "an alias")
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(event.start_mark, "no anchors or aliases (&name / *name)", f"anchor &{anchor}")
        return super().compose_node(parent, index)


_CLoader = getattr(yaml, "CSafeLoader", None)


def _compose(text: str):
    """The node tree of a YAML text, refusing anchors and aliases before anything is built.
    With libyaml, a C pass over the events finds them and the C composer builds the tree."""
    if _CLoader is None:  # pragma: no cover - PyYAML without libyaml
        return yaml.compose(text, Loader=_Loader)
    for event in yaml.parse(text, Loader=_CLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, "no anchors or aliases (&name / *name)", "an alias")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(event.start_mark, "no anchors or aliases (&name / *name)", f"anchor &{anchor}")
    return yaml.compose(text, Loader=_CLoader)


class _Refused(Exception):
    def __init__(self, mark, expected: str, found: str):
        super().__init__(expected)
        self.mark, self.expected, self.found = mark, expected, found


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class Document:
    """Plain data read from YAML, with the position of every key path in it."""

    def __init__(self, data, marks: dict, file: str):
        self.data = data
        self.marks = marks  # path tuple -> (line, column), 1-based
        self.file = file

    def problem(self, path: Path_, expected: str, found: str = "") -> Problem:
        line = col = None
        p = tuple(path)
        while p not in self.marks and p:
            p = p[:-1]
        if p in self.marks:
            line, col = self.marks[p]
        return Problem(self.file, line, col, format_path(path), expected, found)


def read_text(text: str, file: str = "<plan>") -> Document:
    """Parse YAML text into plain data with positions; PlanError on anything else."""
    if len(text) > MAX_FILE_BYTES:
        raise PlanError([Problem(file, None, None, "", f"a plan of at most {MAX_FILE_BYTES:,} bytes",
                                 f"{len(text):,} bytes")])
    try:
        node = _compose(text)
    except _Refused as exc:
        raise PlanError([Problem(file, exc.mark.line + 1, exc.mark.column + 1, "", exc.expected, exc.found)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = (exc.problem or "unreadable YAML").strip()
        raise PlanError([Problem(file, line, col, "", "well-formed YAML", what)]) from None
    except yaml.YAMLError as exc:
        raise PlanError([Problem(file, None, None, "", "well-formed YAML", str(exc).splitlines()[0])]) from None
    marks: dict = {}
    problems: list[Problem] = []
    if node is None:
        data = None
    else:
        data = _convert(node, (), 0, marks, problems, file)
    if problems:
        raise PlanError(problems)
    return Document(data, marks, file)


def read_file(path) -> Document:
    """Read a plan file; a missing, unreadable, oversized or special file (a directory, named
    pipe, socket or device: looked at, never opened) is a PlanError too."""
    import os
    import stat

    from .atomic import kind_of

    name = str(path)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise PlanError([Problem(name, None, None, "", "a plan file", kind_of(st.st_mode) or "not a regular file")])
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):  # swapped for something else since the look
                raise PlanError([Problem(name, None, None, "", "a plan file", kind_of(mode) or "not a regular file")])
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PlanError([Problem(name, None, None, "", "a readable plan file", exc.strerror or str(exc))]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise PlanError([Problem(name, None, None, "", f"a plan of at most {MAX_FILE_BYTES:,} bytes",
                                 "a larger file")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError([Problem(name, None, None, "", "UTF-8 text",
                                 f"a byte that is not UTF-8 at offset {exc.start}")]) from None
    return read_text(text, name)


_constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
yaml.constructor.SafeConstructor.__init__(_constructor)


def _convert(node, path, depth, marks, problems, file):
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    where = (node.start_mark.line + 1, node.start_mark.column + 1)
    if depth > MAX_DEPTH:
        problems.append(Problem(file, *where, format_path(path), f"nesting at most {MAX_DEPTH} deep",
                                "deeper nesting"))
        return None
    if node.tag not in _PLAIN_TAGS:
        problems.append(Problem(file, *where, format_path(path), "plain YAML data", f"the tag {node.tag}"))
        return None
    if isinstance(node, yaml.MappingNode):
        if len(node.value) > MAX_ITEMS:
            problems.append(Problem(file, *where, format_path(path), f"at most {MAX_ITEMS:,} keys",
                                    f"{len(node.value):,}"))
            return None
        out = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                problems.append(Problem(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        format_path(path), "a plain key", "a complex key"))
                continue
            key = str(key_node.value)
            if key == "<<":
                problems.append(Problem(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        format_path(path), "no merge keys (<<)", "a merge key"))
                continue
            if key in out:
                problems.append(Problem(file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        format_path(path + (key,)), "each key once", "a duplicate key"))
                continue
            marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = _convert(value_node, path + (key,), depth + 1, marks, problems, file)
            marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        if len(node.value) > MAX_ITEMS:
            problems.append(Problem(file, *where, format_path(path), f"at most {MAX_ITEMS:,} items",
                                    f"{len(node.value):,}"))
            return None
        return [_convert(v, path + (i,), depth + 1, marks, problems, file) for i, v in enumerate(node.value)]
    # scalar
    if len(node.value) > MAX_STRING:
        problems.append(Problem(file, *where, format_path(path), f"text of at most {MAX_STRING:,} characters",
                                f"{len(node.value):,} characters"))
        return None
    value, expected = _scalar(node)
    if expected is not None:
        problems.append(Problem(file, *where, format_path(path), expected, _short(node.value)))
        return None
    return value


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_EXPECTED = {_INT: "a whole number", _FLOAT: "a number", "tag:yaml.org,2002:bool": "true or false",
             "tag:yaml.org,2002:null": "nothing (null, ~ or an empty value)",
             "tag:yaml.org,2002:timestamp": "a date like 2022-01-24 (or a time like 2022-01-24 10:30:00)"}
_OCTAL = re.compile(r"[-+]?0[0-9_]+")  # YAML 1.1 reads 010 as 8 (and 09 as text)
_HUGE = "a number below 1.8e308 (at most 308 digits), the largest this planner holds"
_LONGEST_NUMBER = 330  # characters: 1.8e308 (the largest float) has 309 digits, plus signs and _


def _short(text: str) -> str:
    found = repr(text)
    return found if len(found) <= 60 else found[:56] + "...'"


def _scalar(node):
    """(value, None), or (None, what was expected): YAML 1.1's surprises are refused, never guessed."""
    tag, text = node.tag, node.value
    if tag == "tag:yaml.org,2002:str":
        return text, None
    if tag in (_INT, _FLOAT):
        if len(text) > _LONGEST_NUMBER:
            return None, f"{_HUGE} (found {len(text):,} characters)"
        if ":" in text:
            return None, _sexagesimal(node)
        if tag == _INT and _OCTAL.fullmatch(text):
            plain = text.lstrip("+-").replace("_", "").lstrip("0") or "0"
            sign = "-" if text.startswith("-") else ""
            try:
                reads = f": {text} would be {_construct(node)}"
            except ValueError:  # 09 with an explicit !!int: not even octal
                reads = ""
            return None, (f"{sign}{plain} (a leading zero reads as octal in YAML 1.1{reads}); or quote it "
                          f"('{text}') if it is text")
    if tag == "tag:yaml.org,2002:null":
        return (None, None) if text in ("", "~", "null", "Null", "NULL") else (None, _EXPECTED[tag])
    try:
        value = _construct(node)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, yaml.YAMLError):
        return None, _EXPECTED.get(tag, "a valid value")
    too_big = isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max
    if too_big or isinstance(value, float) and math.isinf(value) and "inf" not in text.lower():
        return None, _HUGE
    if tag == "tag:yaml.org,2002:timestamp" and isinstance(value, _dt.datetime) and text.strip().count(":") == 0:
        return value.date(), None
    return value, None


def _construct(node):
    tag = node.tag
    if tag == _INT:
        return _constructor.construct_yaml_int(node)
    if tag == _FLOAT:
        return _constructor.construct_yaml_float(node)
    if tag == "tag:yaml.org,2002:bool":
        return _constructor.construct_yaml_bool(node)
    return _constructor.construct_yaml_timestamp(node)


def _sexagesimal(node) -> str:
    try:
        value = _construct(node)
        reads = f"would read as the base-60 number {value:g}" if isinstance(value, float) else \
            f"would read as the base-60 number {value}"
    except (ValueError, TypeError, IndexError, OverflowError):
        reads = "is a base-60 number in YAML 1.1"
    return (f"a plain number: {node.value} {reads} (YAML 1.1); write the number you mean, a duration with a "
            f"unit (e.g. 90 min), or quote it ('{node.value}') if it is text")
