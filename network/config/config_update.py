"""The config update that turns one channel configuration into another (what `configtxlator
compute_update` computes): a read set of the versions it depends on and a write set of what it
changes, with versions bumped.

Rules (Fabric's, so orderers accept the result): a policy or value whose content or mod_policy
changed is written at its version + 1. A group whose own membership or mod_policy changed is
written at its version + 1 with every unchanged member at its current version in both sets (so
nothing can slip in or out unnoticed); a group in which only members changed keeps its version and
carries just the changes. New elements are written at version 0, whole subtrees included.
"""
from __future__ import annotations

from fabric_protos.common import configtx_pb2

KINDS = ("policies", "values", "groups")


class NoChanges(ValueError):
    """The updated configuration is the same as the original."""


def compute_update(channel: str, original: configtx_pb2.Config,
                   updated: configtx_pb2.Config) -> configtx_pb2.ConfigUpdate:
    read_set, write_set, changed = _group_update(original.channel_group, updated.channel_group)
    if not changed:
        raise NoChanges(f"the updated configuration of channel {channel} changes nothing")
    return configtx_pb2.ConfigUpdate(channel_id=channel, read_set=read_set, write_set=write_set)


def _same(original, updated) -> bool:
    """Whether a policy or value is unchanged (content and mod_policy)."""
    content = "value" if isinstance(original, configtx_pb2.ConfigValue) else "policy"
    return original.mod_policy == updated.mod_policy and getattr(original, content) == getattr(updated, content)


def _group_update(original: configtx_pb2.ConfigGroup, updated: configtx_pb2.ConfigGroup,
                  ) -> tuple[configtx_pb2.ConfigGroup, configtx_pb2.ConfigGroup, bool]:
    read = configtx_pb2.ConfigGroup(version=original.version)
    write = configtx_pb2.ConfigGroup(version=original.version)
    unchanged: list[tuple[str, str, object]] = []  # (kind, name, version-only entry)
    membership_changed = original.mod_policy != updated.mod_policy
    for kind in KINDS:
        before, after = getattr(original, kind), getattr(updated, kind)
        if set(before) != set(after):
            membership_changed = True
        for name in before:
            if name not in after:
                continue
            if kind == "groups":
                sub_read, sub_write, sub_changed = _group_update(before[name], after[name])
                if sub_changed:
                    read.groups[name].CopyFrom(sub_read)
                    write.groups[name].CopyFrom(sub_write)
                else:
                    unchanged.append((kind, name, sub_read))
            elif _same(before[name], after[name]):
                unchanged.append((kind, name, type(before[name])(version=before[name].version)))
            else:
                entry = getattr(write, kind)[name]
                entry.CopyFrom(after[name])
                entry.version = before[name].version + 1
        for name in after:
            if name not in before:
                getattr(write, kind)[name].CopyFrom(_new(after[name]))

    if not membership_changed:
        changed = any(len(getattr(s, kind)) for s in (read, write) for kind in KINDS)
        return read, write, changed
    for kind, name, entry in unchanged:
        getattr(read, kind)[name].CopyFrom(entry)
        getattr(write, kind)[name].CopyFrom(entry)
    write.version = original.version + 1
    write.mod_policy = updated.mod_policy
    return read, write, True


def _new(element):
    """A new element as the write set carries it: its content with every version at 0."""
    copy = type(element)()
    copy.CopyFrom(element)
    copy.version = 0
    if isinstance(copy, configtx_pb2.ConfigGroup):
        for kind in KINDS:
            for name, member in getattr(element, kind).items():
                getattr(copy, kind)[name].CopyFrom(_new(member))
    return copy
