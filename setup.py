"""Maps the top-level layout onto one installed namespace.

The repository layout is the architecture (network/ chaincode/ client/ api/); installed, every part
lives under `grootboek` so nothing bare such as `client` or `api` lands in site-packages.
"""
from setuptools import find_packages, setup

PARTS = ("network", "chaincode", "client", "api")

packages = ["grootboek"]
package_dir = {"grootboek": "grootboek"}
for part in PARTS:
    package_dir[f"grootboek.{part}"] = part
    packages.append(f"grootboek.{part}")
    packages += [f"grootboek.{part}.{sub}" for sub in find_packages(where=part)]

setup(
    packages=packages,
    package_dir=package_dir,
    # network/'s data folders: the Fabric pins with their Go build modules, the peers' CCaaS builder;
    # the web apps' templates, files and messages.
    package_data={"": ["*.yaml", "*.json", "*.md", "static/*", "static/vendor/*", "templates/*/*", "fabric/pins.yaml", "fabric/build/*/*", "ccaas_builder/bin/*"]},
    include_package_data=True,
)
