"""The gateway's configuration: one YAML file per organisation, overridable from the environment.

    organization: Municipality
    msp_id: MunicipalityMSP
    msp_ca: <state>/crypto/Municipality/ca/cert.pem   # optional: users must be issued by it
    listen: 127.0.0.1:8081
    tls: {cert: <path>, key: <path>, client_ca: <path>}
    connection_profile: <state>/profiles/Municipality.json
    data_dir: <state>/api/Municipality
    chaincodes:
      budgets: {channel: kindpakket, chaincode: budgets}
    ca: {url: https://127.0.0.1:7054, ca_name: ca, tls_ca: <path>, registrar: admin,
         registrar_secret_file: <path>}
    limits: {max_body_bytes: 1048576, idle_seconds: 60, threads: 32}   # optional; see front.Limits
    apps: [till]                   # optional: the web apps this gateway serves (api/apps/)
    citizen_key_file: <path>       # optional: the back office's key for citizen numbers (hex, 32+ bytes)
    office: {retention_days: 365, report_min_budgets: 5,  # optional: personal data purged this long after its
                                   # scheme ends; report figures of fewer budgets suppressed
             report_time_zone: Europe/Amsterdam,  # the reports' months are this zone's (IANA name)
             debtor: {name: Gemeente Groningen, iban: <IBAN>, bic: <BIC>}}  # who pays shops (pain.001)
    readmodel: {url: postgresql://grootboek@db.example:5432/readmodel,  # optional: the office's read model in
                password_file: <path>}     # PostgreSQL, shared by the organisation's gateways (else SQLite)

`GROOTBOEK_API_<KEY>` overrides a top-level key (`GROOTBOEK_API_LISTEN=0.0.0.0:8443`); a double underscore
reaches into a section (`GROOTBOEK_API_TLS__CERT=/etc/api.crt`). Values are YAML, so
`GROOTBOEK_API_CHAINCODES='{registry: {channel: kadaster, chaincode: registry}}'` works too.
Without `tls` the gateway speaks plain HTTP (only sensible behind a TLS-terminating proxy).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .front.limits import Limits
from .readmodel.backends import checked_url

ENV_PREFIX = "GROOTBOEK_API_"

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class ConfigError(ValueError):
    """The configuration file or environment is unusable; the message says where."""


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Tls(_Section):
    cert: Path
    key: Path
    client_ca: Path | None = None
    """CA bundle for client certificates: with it, clients may authenticate by mutual TLS."""


class ChaincodeRef(_Section):
    channel: Name
    chaincode: Name


class CertificateAuthority(_Section):
    url: str
    ca_name: str = "ca"
    tls_ca: Path | None = None
    registrar: str = "admin"
    registrar_secret_file: Path | None = None


# schwifty is imported when an account is read: only the back office's gateway has one, and the
# library's bank registry costs every other gateway memory for nothing.
def _iban(value: str) -> str:
    from schwifty import IBAN
    return IBAN(value).compact  # a SchwiftyException is a ValueError: reported with the field


def _bic(value: str) -> str:
    from schwifty import BIC
    return str(BIC(value))


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):  # ValueError: a path-like name such as "../x"
        raise ValueError(f"{value!r} is not a time zone of the IANA database (e.g. Europe/Amsterdam)") from None
    return value


class Debtor(_Section):
    """The municipality's own account, from which the back office's transfer files pay the shops."""
    name: Annotated[str, Field(min_length=1, max_length=70)]
    iban: Annotated[str, AfterValidator(_iban)]
    bic: Annotated[str, AfterValidator(_bic)]


class Office(_Section):
    """The back office's rules (api/apps/office/)."""
    retention_days: Annotated[int, Field(ge=0, le=36_500)] = 365
    """Personal data is purged this many days after its budget's scheme ended (`api retention`)."""
    report_min_budgets: Annotated[int, Field(ge=1, le=10_000)] = 5
    """The reports suppress a figure counting fewer budgets than this (api/readmodel/reports.py): a small
    scheme's totals per shop and month can point at one child."""
    report_time_zone: Annotated[str, AfterValidator(_time_zone)] = "Europe/Amsterdam"
    """The reports count months in this zone, daylight saving time included: a payment at 00:30 on
    1 March in Groningen is a March payment (a municipality of the Caribbean Netherlands names its own)."""
    debtor: Debtor | None = None
    """Without it the back office settles shops but makes no transfer file."""


class ReadModel(_Section):
    """A PostgreSQL database for the back office's read model (api/readmodel/), which several gateway
    instances of the organisation then share; without it each keeps <data_dir>/readmodel.sqlite."""
    url: Annotated[str, AfterValidator(checked_url)]
    """postgresql://user@host:port/database, without the password."""
    password_file: Path | None = None
    """The password, alone in a file; without it libpq's own ways (PGPASSWORD, ~/.pgpass) apply."""


class ApiConfig(_Section):
    organization: Name
    msp_id: Name
    msp_ca: Path | None = None
    """The organisation's identity CA (PEM): `user add` refuses an identity another CA issued."""
    listen: Annotated[str, Field(pattern=r"^[^\s:]+:[0-9]{1,5}$")] = "127.0.0.1:8080"
    tls: Tls | None = None
    connection_profile: Path
    data_dir: Path
    chaincodes: dict[Name, ChaincodeRef] = {}
    """What the organisation's applications use, by name (`budgets`, `registry`)."""
    ca: CertificateAuthority | None = None
    limits: Limits = Limits()
    """What one client may cost the gateway (sizes, timeouts, connections, threads)."""
    apps: tuple[Name, ...] = ()
    """The web apps it serves (`till`, `wallet`, `office`, `registry`; api/apps/): none unless named,
    since each is meant for one organisation's users (the till for the Merchants, the wallet for the
    Municipality, the parcel viewer for the Registry)."""
    citizen_key_file: Path | None = None
    """The back office's key for the keyed HMAC of citizen numbers (api/apps/office/beneficiaries.py);
    default <data_dir>/citizen-number.key, made on first use. Gateways of one municipality share it."""
    office: Office = Office()
    readmodel: ReadModel | None = None

    @property
    def host(self) -> str:
        return self.listen.rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.listen.rsplit(":", 1)[1])

    def chaincode(self, name: str) -> ChaincodeRef | None:
        return self.chaincodes.get(name)


def load(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> ApiConfig:
    """Reads the file (or only the environment, when `path` is None) and applies overrides.
    Relative paths in the file are relative to the file's directory."""
    environ = os.environ if environ is None else environ
    doc: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        path = Path(path)
        try:
            doc = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        if not isinstance(doc, dict):
            raise ConfigError(f"{path}: expected a mapping at the top level")
        base = path.resolve().parent
    return parse(apply_environment(doc, environ), base)


def parse(doc: Mapping[str, Any], base: Path = Path(".")) -> ApiConfig:
    try:
        config = ApiConfig.model_validate(doc)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid gateway configuration: {problems}") from None
    return _resolve_paths(config, base)


def apply_environment(doc: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    merged: dict[str, Any] = {key: (dict(value) if isinstance(value, dict) else value)
                              for key, value in doc.items()}
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX):
            continue
        keys = name[len(ENV_PREFIX):].lower().split("__")
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{name}: {exc}") from None
        target = merged
        for key in keys[:-1]:
            section = target.get(key)
            target[key] = section = dict(section) if isinstance(section, dict) else {}
            target = section
        target[keys[-1]] = value
    return merged


def _resolve_paths(config: ApiConfig, base: Path) -> ApiConfig:
    def resolved(path: Path | None) -> Path | None:
        return None if path is None else (base / path).resolve() if not path.is_absolute() else path

    update: dict[str, Any] = {"connection_profile": resolved(config.connection_profile),
                              "data_dir": resolved(config.data_dir), "msp_ca": resolved(config.msp_ca),
                              "citizen_key_file": resolved(config.citizen_key_file)}
    if config.tls:
        update["tls"] = config.tls.model_copy(update={
            "cert": resolved(config.tls.cert), "key": resolved(config.tls.key),
            "client_ca": resolved(config.tls.client_ca)})
    if config.readmodel:
        update["readmodel"] = config.readmodel.model_copy(
            update={"password_file": resolved(config.readmodel.password_file)})
    if config.ca:
        update["ca"] = config.ca.model_copy(update={
            "tls_ca": resolved(config.ca.tls_ca),
            "registrar_secret_file": resolved(config.ca.registrar_secret_file)})
    return config.model_copy(update=update)
