"""The registry's parcel viewer (api/apps/registry/): its page, and the lineage diagram the gateway
draws from a parcel file the real registry services produced (a split and a merge on a desk)."""
from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from grootboek.api.apps.registry import lineage
from grootboek.api.apps.web import i18n
from grootboek.api.apps.registry import FOLDER

from ..registry.desk import Desk, description
from .conftest import make_gateway

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def files():
    """GNG00-K-1 split into K-2 and K-3, which are merged again into K-4: {id: ParcelFile}."""
    desk = Desk()
    ann = desk.new_party()
    desk.new_parcel([ann.share("1/1")], area_m2=100)
    desk.parcels().split("GNG00-K-1", [description(2, 60), description(3, 40)])
    desk.parcels().merge(["GNG00-K-2", "GNG00-K-3"], description(4, 100))
    return {f"GNG00-K-{n}": desk.queries().parcel(f"GNG00-K-{n}") for n in (1, 2, 3, 4)}


@pytest.fixture
def gateway(tmp_path, organisation, files):
    made = make_gateway(tmp_path, organisation, apps=["registry"])
    made.invoker.answers["get_parcel"] = lambda call: files[call.args[0]].model_dump_json().encode()
    return made


def _drawing(text: str):
    root = ElementTree.fromstring(text)
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    return root, root.find(f"{SVG}title").text, root.find(f"{SVG}desc").text, links


def test_the_lineage_names_where_a_parcel_came_from_and_what_it_became(files):
    english = i18n.catalog(FOLDER, "en")
    _, title, desc, links = _drawing(lineage.render(files["GNG00-K-2"].parcel, english))
    assert title == "Lineage of parcel GNG00-K-2"
    assert desc == "GNG00-K-2 was split off parcel GNG00-K-1. It was merged into parcel GNG00-K-4."
    assert links == ["#/parcels/GNG00-K-1", "#/parcels/GNG00-K-4"]
    _, _, desc, links = _drawing(lineage.render(files["GNG00-K-1"].parcel, english))
    assert desc == "GNG00-K-1 was registered as a new parcel. It was split into parcels GNG00-K-2, GNG00-K-3."
    assert links == ["#/parcels/GNG00-K-2", "#/parcels/GNG00-K-3"]
    root, _, desc, links = _drawing(lineage.render(files["GNG00-K-4"].parcel, i18n.catalog(FOLDER, "nl")))
    assert desc == "GNG00-K-4 is ontstaan door samenvoeging van percelen GNG00-K-2, GNG00-K-3."
    assert links == ["#/parcels/GNG00-K-2", "#/parcels/GNG00-K-3"]
    assert "style" not in {name for element in root.iter() for name in element.attrib}  # the policy forbids it


def test_the_gateway_draws_it_for_a_signed_in_user_in_the_pages_language(gateway):
    client = gateway.client()
    response = client.get("/registry/parcels/GNG00-K-3/lineage.svg?lang=en", headers=gateway.auth("registrar"))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    assert _drawing(response.get_data(as_text=True))[1] == "Lineage of parcel GNG00-K-3"
    assert [call.function for _, call in gateway.invoker.calls] == ["Parcels:get_parcel"]

    assert client.get("/registry/parcels/GNG00-K-3/lineage.svg").status_code == 401
    refused = client.get("/registry/parcels/GNG00-K-3/lineage.svg", headers=gateway.auth("nobody"))
    assert refused.status_code == 403 and "registry viewer" in refused.get_json()["message"]
    bad = client.get("/registry/parcels/a%20b/lineage.svg", headers=gateway.auth("registrar"))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "path.parcel_id"


def test_the_page_loads_its_modules_under_the_strict_policy(gateway):
    page = gateway.client().get("/registry/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert '<script type="module" src="/registry/static/registry.js">' in text and "style=" not in text
    for module in ("registry.js", "parcel.js", "transfer.js", "dom.js"):
        assert gateway.client().get(f"/registry/static/{module}").status_code == 200, module
