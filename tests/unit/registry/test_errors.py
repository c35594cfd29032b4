import re
from pathlib import Path

from grootboek.chaincode import registry
from grootboek.chaincode.registry.domain.errors import ErrorCode, RegistryError

README = Path(registry.__file__).with_name("README.md").read_text()


def test_the_readme_documents_every_error_code_with_its_http_status():
    documented = dict(re.findall(r"^\| `([A-Z_]+)` \| (\d{3}) \|", README, re.MULTILINE))
    assert documented == {code.value: str(code.http_status) for code in ErrorCode}


def test_a_refusal_reads_code_colon_message():
    error = RegistryError(ErrorCode.ATTACHED, "parcel GNG00-K-1 is under attachment")
    assert str(error) == "ATTACHED: parcel GNG00-K-1 is under attachment"
    assert (error.code, error.message) == (ErrorCode.ATTACHED, "parcel GNG00-K-1 is under attachment")
    assert all(code.description and code.http_status in (400, 403, 404, 409, 422) for code in ErrorCode)
