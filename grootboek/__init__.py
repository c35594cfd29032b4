"""Grootboek: a Hyperledger Fabric consortium network for Dutch municipalities and their partners.

The parts live in their own packages: ``grootboek.network`` (tooling that runs the network),
``grootboek.chaincode`` (the Python chaincode runtime and our contracts), ``grootboek.client``
(the Fabric Gateway client) and ``grootboek.api`` (the REST gateway).
"""

__version__ = "0.1.0"
