"""A channel configuration as a flat map of its elements (groups, values, policies) by path, the way
Fabric's configtx validator sees it: what an update changes, which policy guards each change, and
whether a new configuration carries what an update wrote.
"""
from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.common import configtx_pb2

ROOT = "Channel"


@dataclass(frozen=True)
class Element:
    kind: str                   # "group", "value" or "policy"
    path: tuple[str, ...]       # ("Channel", "Orderer", "BatchSize")
    version: int
    mod_policy: str
    message: configtx_pb2.ConfigGroup | configtx_pb2.ConfigValue | configtx_pb2.ConfigPolicy

    @property
    def key(self) -> str:
        return f"{self.kind} /{'/'.join(self.path)}"

    @property
    def policy_base(self) -> tuple[str, ...]:
        """The group a relative mod_policy is resolved in: a group's own, else its parent's."""
        return self.path if self.kind == "group" else self.path[:-1]

    def mod_policy_path(self) -> str:
        """The absolute path of the policy that guards changes to this element."""
        if self.mod_policy.startswith("/"):
            return self.mod_policy
        return "/" + "/".join((*self.policy_base, self.mod_policy))

    def same_content(self, other: Element) -> bool:
        """Same mod_policy and content (for groups: the same member names)."""
        if self.mod_policy != other.mod_policy:
            return False
        if self.kind == "value":
            return self.message.value == other.message.value  # type: ignore[union-attr]
        if self.kind == "policy":
            return self.message.policy == other.message.policy  # type: ignore[union-attr]
        return members(self.message) == members(other.message)  # type: ignore[arg-type]


def members(group: configtx_pb2.ConfigGroup) -> set[tuple[str, str]]:
    return {(kind, name) for kind in ("groups", "values", "policies") for name in getattr(group, kind)}


def elements(group: configtx_pb2.ConfigGroup, path: tuple[str, ...] = (ROOT,)) -> dict[str, Element]:
    """Every element of the group tree, keyed by `Element.key`."""
    found: dict[str, Element] = {}
    root = Element("group", path, group.version, group.mod_policy, group)
    found[root.key] = root
    for name, value in group.values.items():
        element = Element("value", (*path, name), value.version, value.mod_policy, value)
        found[element.key] = element
    for name, policy in group.policies.items():
        element = Element("policy", (*path, name), policy.version, policy.mod_policy, policy)
        found[element.key] = element
    for name, sub in group.groups.items():
        found.update(elements(sub, (*path, name)))
    return found


def delta(update: configtx_pb2.ConfigUpdate) -> dict[str, Element]:
    """What the update writes: write-set elements whose version differs from the read set's."""
    read = elements(update.read_set)
    return {key: element for key, element in elements(update.write_set).items()
            if key not in read or read[key].version != element.version}


def guarding_policies(config: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate) -> dict[str, list[str]]:
    """Policy path -> keys of the existing elements the update modifies under that policy. New
    elements need no policy of their own: their parent group's version bump is guarded."""
    current = elements(config.channel_group)
    guarded: dict[str, list[str]] = {}
    for key in delta(update):
        if key in current:
            guarded.setdefault(current[key].mod_policy_path(), []).append(key)
    return guarded


def differences(update: configtx_pb2.ConfigUpdate, config: configtx_pb2.Config) -> list[str]:
    """How `config` fails to carry what the update wrote (empty: it carries all of it). A group
    the update writes defines its members, so a removed member must be gone."""
    current = elements(config.channel_group)
    problems = []
    for key, written in delta(update).items():
        found = current.get(key)
        if found is None:
            problems.append(f"{key} is missing")
        elif found.version != written.version:
            problems.append(f"{key} is at version {found.version}, not {written.version}")
        elif not written.same_content(found):
            problems.append(f"{key} differs from the update")
    return problems
