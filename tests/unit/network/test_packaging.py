import io
import json
import tarfile

from grootboek.network.config import packaging
from grootboek.network.config.consortium import Chaincode


def chaincode(version: str = "1.0") -> Chaincode:
    return Chaincode(name="budgets", version=version, contract="grootboek.chaincode.budgets:chaincode",
                     servers={"Municipality": 7060})


def test_package_bytes_and_id_are_deterministic():
    first, second = packaging.build(chaincode()), packaging.build(chaincode())
    assert first.data == second.data
    assert first.id == second.id
    assert first.id.startswith("budgets_1.0:") and len(first.id.split(":")[1]) == 64
    assert packaging.build(chaincode("1.1")).id != first.id


def test_package_layout_is_ccaas():
    package = packaging.build(chaincode())
    with tarfile.open(fileobj=io.BytesIO(package.data)) as outer:
        assert outer.getnames() == ["code.tar.gz", "metadata.json"]
        assert all(m.mtime == 0 and m.uid == 0 and m.uname == "" for m in outer.getmembers())
        metadata = json.load(outer.extractfile("metadata.json"))
        code = outer.extractfile("code.tar.gz").read()
    assert metadata == {"type": "ccaas", "label": "budgets_1.0"}
    with tarfile.open(fileobj=io.BytesIO(code)) as inner:
        connection = json.load(inner.extractfile("connection.json"))
    assert connection["address"] == "{{.budgets_address}}"
    assert connection["tls_required"] and connection["client_auth_required"]
