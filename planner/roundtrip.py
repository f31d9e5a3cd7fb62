"""Saving onto a hand-written plan keeps the person's comments, key order and formatting:
only the values that changed are rewritten (ruamel.yaml's round-trip mode).

The file's plan (as loaded) and the new plan are both turned into the data a save writes;
where the two agree the file's own text is kept untouched (so ``6500 W`` stays ``6500 W`` even
though we would write ``6.5 kW``), where they differ the new value is written in place, and
keys or items added or removed are added or removed.
"""

from __future__ import annotations

import io

from .plan import Plan
from .yamldata import FlowDict, to_yaml_data


def _plain(value):
    """Our YAML data (with flow-style markers) as ruamel nodes: small mappings stay on one line."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        out = CommentedMap((k, _plain(v)) for k, v in value.items())
        if isinstance(value, FlowDict):
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        return CommentedSeq(_plain(v) for v in value)
    return value


def _merge(node, old, new):
    """Make ``node`` (ruamel) say ``new``, touching only what differs from ``old``."""
    if isinstance(new, dict) and isinstance(old, dict) and hasattr(node, "keys"):
        for key in [k for k in node if k not in new]:
            del node[key]
        for key, value in new.items():
            if key in old and old[key] == value:
                continue  # unchanged: keep the file's own text (or its absence, for a default)
            if key in node and key in old:
                merged = _merge(node[key], old[key], value)
                if merged is not node[key]:
                    node[key] = merged
            else:
                node[key] = _plain(value)
        return node
    if isinstance(new, list) and isinstance(old, list) and isinstance(node, list):
        common = min(len(node), len(old), len(new))
        for i in range(common):
            if old[i] != new[i]:
                merged = _merge(node[i], old[i], new[i])
                if merged is not node[i]:
                    node[i] = merged
        del node[len(new):]
        for value in new[common:]:
            node.append(_plain(value))
        return node
    return _plain(new)


def merge_into(original_text: str, old_plan: Plan, new_plan: Plan) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    doc = yaml.load(original_text)
    _merge(doc, to_yaml_data(old_plan), to_yaml_data(new_plan))
    buf = io.StringIO()
    yaml.dump(doc, buf)
    return buf.getvalue()
