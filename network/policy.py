"""Fabric's signature policy language, e.g. ``AND('MunicipalityMSP.peer', 'MerchantsMSP.peer')``,
``OR('RegistryMSP.member')`` or ``OutOf(2, 'A.peer', 'B.peer', 'C.peer')``, parsed into the
SignaturePolicyEnvelope that chaincode definitions and collection configurations carry.
"""
from __future__ import annotations

import re

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

ROLES = {
    "member": msp_principal_pb2.MSPRole.MEMBER,
    "admin": msp_principal_pb2.MSPRole.ADMIN,
    "client": msp_principal_pb2.MSPRole.CLIENT,
    "peer": msp_principal_pb2.MSPRole.PEER,
    "orderer": msp_principal_pb2.MSPRole.ORDERER,
}
_TOKEN = re.compile(r"\s*(?:(?P<word>AND|OR|OutOf)\s*\(|(?P<close>\))|(?P<comma>,)"
                    r"|'(?P<sq>[^']*)'|\"(?P<dq>[^\"]*)\"|(?P<int>\d+))", re.IGNORECASE)


class PolicyError(ValueError):
    """The policy text is not valid; the message says where."""


def parse(text: str) -> policies_pb2.SignaturePolicyEnvelope:
    tokens = _tokenize(text)
    identities: list[tuple[str, int]] = []
    position = 0

    def principal(value: str) -> policies_pb2.SignaturePolicy:
        msp, _, role = value.rpartition(".")
        if not msp or role.lower() not in ROLES:
            raise PolicyError(f"{text!r}: {value!r} is not 'MSPID.role' with a role of {', '.join(ROLES)}")
        key = (msp, ROLES[role.lower()])
        if key not in identities:
            identities.append(key)
        return policies_pb2.SignaturePolicy(signed_by=identities.index(key))

    def expression() -> policies_pb2.SignaturePolicy:
        nonlocal position
        if position >= len(tokens):
            raise PolicyError(f"{text!r}: ends too early")
        kind, value = tokens[position]
        position += 1
        if kind == "principal":
            return principal(value)
        if kind != "word":
            raise PolicyError(f"{text!r}: unexpected {value!r}")
        word = value.lower()
        needed = None
        if word == "outof":
            if position >= len(tokens) or tokens[position][0] != "int":
                raise PolicyError(f"{text!r}: OutOf needs a number first")
            needed = int(tokens[position][1])
            position += 1
            _expect("comma")
        rules = [expression()]
        while position < len(tokens) and tokens[position][0] == "comma":
            position += 1
            rules.append(expression())
        _expect("close")
        n = {"and": len(rules), "or": 1}.get(word, needed)
        if n is None or not 1 <= n <= len(rules):
            raise PolicyError(f"{text!r}: OutOf({n}) over {len(rules)} rules")
        return policies_pb2.SignaturePolicy(
            n_out_of=policies_pb2.SignaturePolicy.NOutOf(n=n, rules=rules))

    def _expect(kind: str) -> None:
        nonlocal position
        if position >= len(tokens) or tokens[position][0] != kind:
            found = tokens[position][1] if position < len(tokens) else "the end"
            raise PolicyError(f"{text!r}: expected {'a comma' if kind == 'comma' else kind!r}, found {found!r}")
        position += 1

    rule = expression()
    if position != len(tokens):
        raise PolicyError(f"{text!r}: unexpected {tokens[position][1]!r} after the policy")
    return policies_pb2.SignaturePolicyEnvelope(
        version=0,
        rule=rule,
        identities=[
            msp_principal_pb2.MSPPrincipal(
                principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
                principal=msp_principal_pb2.MSPRole(msp_identifier=msp, role=role).SerializeToString(),
            )
            for msp, role in identities
        ],
    )


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise PolicyError(f"{text!r}: cannot read {text[position:].strip()[:20]!r}")
        position = match.end()
        if match["word"]:
            tokens.append(("word", match["word"]))
        elif match["close"]:
            tokens.append(("close", ")"))
        elif match["comma"]:
            tokens.append(("comma", ","))
        elif match["int"]:
            tokens.append(("int", match["int"]))
        else:
            tokens.append(("principal", match["sq"] if match["sq"] is not None else match["dq"]))
    return tokens
