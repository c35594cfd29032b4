"""The gateway configuration file, its environment overrides, and errors that say where."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grootboek.api.config import ConfigError, load

FILE = {
    "organization": "Municipality",
    "msp_id": "MunicipalityMSP",
    "listen": "127.0.0.1:8081",
    "tls": {"cert": "tls/server.crt", "key": "tls/server.key", "client_ca": "/etc/ca.pem"},
    "connection_profile": "profiles/Municipality.json",
    "data_dir": "api/Municipality",
    "chaincodes": {"budgets": {"channel": "kindpakket", "chaincode": "budgets"}},
    "ca": {"url": "https://127.0.0.1:7054", "ca_name": "ca", "tls_ca": "ca.pem", "registrar": "admin",
           "registrar_secret_file": "secret"},
    "limits": {"threads": 8, "idle_seconds": 5},
    "readmodel": {"url": "postgresql://grootboek@db.example:5432/readmodel", "password_file": "readmodel.password"},
}


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_the_documented_schema_loads_with_paths_relative_to_the_file(tmp_path):
    config = load(_write(tmp_path, FILE), environ={})
    assert (config.organization, config.host, config.port) == ("Municipality", "127.0.0.1", 8081)
    assert (config.limits.threads, config.limits.idle_seconds) == (8, 5.0)
    assert config.limits.max_body_bytes == 1024 * 1024  # a default, as the file left it out
    assert config.tls.cert == tmp_path / "tls/server.crt" and config.tls.client_ca == Path("/etc/ca.pem")
    assert config.data_dir == tmp_path / "api/Municipality"
    assert config.ca.registrar_secret_file == tmp_path / "secret"
    assert config.chaincode("budgets").channel == "kindpakket" and config.chaincode("registry") is None
    assert config.readmodel.password_file == tmp_path / "readmodel.password"
    assert config.office.report_time_zone == "Europe/Amsterdam"


def test_the_environment_overrides_keys_and_sections(tmp_path):
    environ = {"GROOTBOEK_API_LIMITS__THREADS": "16", "GROOTBOEK_API_TLS__CERT": "/etc/api.crt",
               "GROOTBOEK_API_CHAINCODES": "{registry: {channel: kadaster, chaincode: registry}}",
               "OTHER": "ignored"}
    config = load(_write(tmp_path, FILE), environ=environ)
    assert (config.limits.threads, config.limits.idle_seconds) == (16, 5.0)
    assert config.tls.cert == Path("/etc/api.crt") and config.tls.key == tmp_path / "tls/server.key"
    assert set(config.chaincodes) == {"registry"}


def test_a_configuration_from_the_environment_alone(tmp_path):
    environ = {"GROOTBOEK_API_ORGANIZATION": "Registry", "GROOTBOEK_API_MSP_ID": "RegistryMSP",
               "GROOTBOEK_API_CONNECTION_PROFILE": "/p.json", "GROOTBOEK_API_DATA_DIR": "/data"}
    config = load(None, environ=environ)
    assert (config.msp_id, config.listen, config.tls) == ("RegistryMSP", "127.0.0.1:8080", None)


@pytest.mark.parametrize("change, field", [
    ({"limits": {"threads": 0}}, "limits.threads"),
    ({"listen": "everywhere"}, "listen"),
    ({"tls": {"cert": "c"}}, "tls.key"),
    ({"colour": "blue"}, "colour"),
    ({"office": {"report_time_zone": "Europe/Groningen"}}, "office.report_time_zone: Value error, "
                                                           "'Europe/Groningen' is not a time zone"),
    ({"readmodel": {"url": "mysql://db.example/readmodel"}}, "readmodel.url: Value error, not a PostgreSQL URL"),
])
def test_errors_name_the_field(tmp_path, change, field):
    with pytest.raises(ConfigError) as error:
        load(_write(tmp_path, {**FILE, **change}), environ={})
    assert field in str(error.value)


def test_an_unreadable_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        load(tmp_path / "missing.yaml", environ={})


@pytest.mark.parametrize("url", ["postgresql://grootboek:s3cret-pw@db.example/readmodel",
                                 "postgresql://grootboek@db.example/readmodel?password=s3cret-pw",
                                 "postgresql://grootboek@db.example/readmodel?sslpassword=s3cret-pw",
                                 "postgresq://grootboek:s3cret-pw@db.example/readmodel"])
def test_a_read_model_url_with_a_password_is_refused_without_showing_it(tmp_path, url):
    with pytest.raises(ConfigError) as error:
        load(_write(tmp_path, {**FILE, "readmodel": {"url": url}}), environ={})
    assert "readmodel.url" in str(error.value) and "s3cret-pw" not in str(error.value)
