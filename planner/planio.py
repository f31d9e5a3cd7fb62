"""Load and save plans: YAML text <-> frozen Plan, with every mistake reported at once."""

from __future__ import annotations

import yaml

from . import catalog as _catalog
from .atomic import write_text
from .bulk import paused_gc
from .errors import PlanError, Problem
from .plan import Plan
from .schema import Reader
from .validate import check_format, check_plan
from .yamldata import FlowDict, to_yaml_data
from .yamlio import MAX_FILE_BYTES, Document, read_file, read_text

# Format migrations: MIGRATIONS[n] turns the data of format n into format n + 1. Version 1 is
# the first format, so there is nothing to migrate yet; format 2 will add its step here, and its
# fixture beside tests/fixtures/format-1.yaml.
MIGRATIONS: dict = {}


def migrate(raw: dict) -> dict:
    from .plan import FORMAT_VERSION
    from .validate import parse_format

    version = parse_format(raw.get("format", f"cluster-planner/{FORMAT_VERSION}"))
    assert version is not None, "check_format refuses a format that is not ours before migrating"
    while version < FORMAT_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
    return raw


def from_document(doc: Document) -> Plan:
    raw = doc.data
    if not isinstance(raw, dict):
        found = "an empty file" if raw is None else f"{type(raw).__name__} at the top level"
        raise PlanError([Problem(doc.file, 1, 1, "", "a plan: a mapping with keys format, name, phases, ...", found)])
    problems = check_format(doc, raw)
    if problems:  # a newer format may use keys we do not know: say only that
        raise PlanError(problems)
    raw = migrate(raw)
    reader = Reader(doc, _known_ids(raw))
    plan = reader.build(Plan, raw, ())
    problems = reader.problems
    if plan is not None and not problems:
        problems += check_plan(plan, _catalog.for_plan(plan), doc)
    if problems:
        raise PlanError(problems)
    return plan


def _known_ids(raw: dict) -> dict:
    """Catalog ids a plan may refer to: built-in ones plus those it declares itself."""
    builtin = _catalog.builtin()
    custom = raw.get("catalog")
    if not isinstance(custom, dict):
        custom = {}
    out = {}
    for kind in _catalog.KINDS:
        own = custom.get(kind)
        if not isinstance(own, dict):
            own = {}
        out[kind] = set(builtin.kind(kind)) | {str(k) for k in own}
    return out


def loads(text: str, file: str = "<plan>") -> Plan:
    """A Plan from YAML text; PlanError listing every problem otherwise."""
    with paused_gc():
        return from_document(read_text(text, file))


def load(path) -> Plan:
    """A Plan from a YAML file; PlanError listing every problem (file, line, key) otherwise."""
    with paused_gc():
        return from_document(read_file(path))


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # the loader refuses aliases: never write them
        return True


def _represent_str(dumper, text):
    if any(ch in "\x85\u2028\u2029" for ch in text):  # line breaks to YAML 1.1: only quoted keeps them
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    if "\n" in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    if len(text) > 80:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


_Dumper.add_representer(str, _represent_str)


_Dumper.add_representer(FlowDict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def dumps(plan: Plan) -> str:
    """Readable YAML for a plan: stable key order, quantities with the units a person would use."""
    return yaml.dump(to_yaml_data(plan), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def save(plan: Plan, path, overwrite_readonly: bool = False) -> None:
    """Write ``plan`` to ``path`` atomically, keeping the previous version as ``path~`` (see
    planner.atomic: links are followed or kept, special files refused, a read-only file only
    replaced with ``overwrite_readonly``). Saving onto an existing plan file keeps its comments,
    key order, line endings and the text of every value that did not change (planner.roundtrip).
    OSError says why it failed; PlanError if the text would be too large to load back."""
    text = text_for(plan, path)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise PlanError([Problem(str(path), None, None, "", f"a plan of at most {MAX_FILE_BYTES:,} bytes "
                                 "(the most this planner reads back); nothing was written", f"{size:,} bytes")])
    write_text(path, text, backup=True, overwrite_readonly=overwrite_readonly)


def _existing_text(target) -> str | None:
    """The text of the plan file at ``target`` (links followed), or None: missing, not a regular
    file (never opened then), too large, or not UTF-8."""
    import os
    import stat

    try:
        st = os.stat(target)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            raw = fh.read(MAX_FILE_BYTES + 1)
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def text_for(plan: Plan, path) -> str:
    """The text ``save`` would write: merged into the plan file already at ``path``, if any.
    A file with CRLF line endings keeps them (unchanged, byte for byte)."""
    target = str(path)
    original = _existing_text(path)
    try:
        old_plan = loads(original, target) if original is not None else None
    except PlanError:
        old_plan = None  # not a plan we can read: write ours whole
    crlf = original is not None and "\r\n" in original
    if old_plan is not None and original is not None:
        if old_plan == plan:
            return original  # nothing changed: the file stays as the person wrote it
        from .roundtrip import merge_into

        try:
            text = _endings(merge_into(original.replace("\r\n", "\n"), old_plan, plan), crlf)
            if loads(text, target) == plan:
                return text
        except Exception:  # noqa: BLE001 - any trouble merging: fall back to a fresh, correct file
            pass
    text = dumps(plan)
    if crlf and loads(_endings(text, True), target) == plan:
        return _endings(text, True)
    return text


def _endings(text: str, crlf: bool) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n") if crlf else text
