"""Fabric's signature policy language, e.g. "AND('Org1MSP.member', OR('Org2MSP.peer', 'Org3MSP.admin'))"
or "OutOf(2, 'A.member', 'B.member', 'C.member')", compiled to a `SignaturePolicyEnvelope`.

The result is byte-for-byte what Fabric's policydsl produces (peer CLI --signature-policy), which
matters: organisations' approvals of a chaincode definition only match if the bytes do. Like
policydsl, every principal occurrence gets its own identity (no deduplication), and a gate
numbers the principals of its nested gates before its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

_ROLES = {
    "member": msp_principal_pb2.MSPRole.MEMBER,
    "admin": msp_principal_pb2.MSPRole.ADMIN,
    "client": msp_principal_pb2.MSPRole.CLIENT,
    "peer": msp_principal_pb2.MSPRole.PEER,
    "orderer": msp_principal_pb2.MSPRole.ORDERER,
}
_PRINCIPAL = re.compile(r"^([A-Za-z0-9.-]+)\.(member|admin|client|peer|orderer)$")
_GATES = {name: gate for gate in ("And", "Or", "OutOf")
          for name in (gate, gate.lower(), gate.upper())}
_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z]+)|(?P<number>\d+)|'(?P<single>[^']*)'"
                    r"|\"(?P<double>[^\"]*)\"|(?P<punct>[(),]))")


class PolicyError(ValueError):
    pass


@dataclass
class _Gate:
    n: int
    children: list[_Gate | str]


def parse_signature_policy(expression: str) -> policies_pb2.SignaturePolicyEnvelope:
    tokens = _tokenize(expression)
    gate, rest = _parse_gate(tokens)
    if rest:
        raise PolicyError(f"unexpected {rest[0][1]!r} after the policy")
    identities: list[msp_principal_pb2.MSPPrincipal] = []
    return policies_pb2.SignaturePolicyEnvelope(version=0, rule=_compile(gate, identities),
                                                identities=identities)


def _tokenize(expression: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(expression.rstrip()):
        match = _TOKEN.match(expression, position)
        if not match:
            raise PolicyError(f"cannot parse policy at {expression[position:]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        tokens.append(("string" if kind in ("single", "double") else kind, value))
        position = match.end()
    return tokens


def _parse_gate(tokens: list[tuple[str, str]]) -> tuple[_Gate, list[tuple[str, str]]]:
    if not tokens or tokens[0][0] != "name" or tokens[0][1] not in _GATES:
        raise PolicyError(f"expected AND, OR or OutOf, got {tokens[0][1] if tokens else 'nothing'!r}")
    gate = _GATES[tokens[0][1]]
    rest = _expect(tokens[1:], "(")
    args: list[_Gate | str | int] = []
    while True:
        kind, value = rest[0] if rest else ("end", "")
        if kind == "name":
            child, rest = _parse_gate(rest)
            args.append(child)
        elif kind == "string":
            if not _PRINCIPAL.match(value):
                raise PolicyError(f"not a principal (MSP.role): {value!r}")
            args.append(value)
            rest = rest[1:]
        elif kind == "number":
            args.append(int(value))
            rest = rest[1:]
        else:
            raise PolicyError(f"unexpected {value or 'end of policy'!r}")
        if rest and rest[0] == ("punct", ","):
            rest = rest[1:]
            continue
        return _gate(gate, args), _expect(rest, ")")


def _expect(tokens: list[tuple[str, str]], punct: str) -> list[tuple[str, str]]:
    if not tokens or tokens[0] != ("punct", punct):
        raise PolicyError(f"expected {punct!r}")
    return tokens[1:]


def _gate(gate: str, args: list[_Gate | str | int]) -> _Gate:
    if gate == "OutOf":
        if len(args) < 2 or not isinstance(args[0], int):
            raise PolicyError("OutOf needs a number and at least one principal or policy")
        n, children = args[0], args[1:]
    else:
        n, children = (len(args) if gate == "And" else 1), args
    if any(isinstance(child, int) for child in children):
        raise PolicyError(f"{gate}: numbers are only allowed as OutOf's first argument")
    if n > len(children) + 1:  # policydsl allows up to n+1 (unsatisfiable), and so do we
        raise PolicyError(f"invalid {n}-out-of-{len(children)} policy")
    return _Gate(n, children)  # type: ignore[arg-type]


def _compile(gate: _Gate,
             identities: list[msp_principal_pb2.MSPPrincipal]) -> policies_pb2.SignaturePolicy:
    # Nested gates first, then this gate's own principals: policydsl's numbering.
    nested = [_compile(c, identities) if isinstance(c, _Gate) else c for c in gate.children]
    rules = [c if isinstance(c, policies_pb2.SignaturePolicy) else _signed_by(c, identities)
             for c in nested]
    return policies_pb2.SignaturePolicy(
        n_out_of=policies_pb2.SignaturePolicy.NOutOf(n=gate.n, rules=rules))


def _signed_by(principal: str,
               identities: list[msp_principal_pb2.MSPPrincipal]) -> policies_pb2.SignaturePolicy:
    msp_id, role = _PRINCIPAL.match(principal).groups()  # type: ignore[union-attr]
    identities.append(msp_principal_pb2.MSPPrincipal(
        principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
        principal=msp_principal_pb2.MSPRole(msp_identifier=msp_id,
                                            role=_ROLES[role]).SerializeToString()))
    return policies_pb2.SignaturePolicy(signed_by=len(identities) - 1)
