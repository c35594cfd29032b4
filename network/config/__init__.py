"""What a network is made of, generated from the consortium file before anything runs: the
consortium model, the state directory's layout, crypto material, node, CA and channel
configuration, chaincode packages and connection profiles; and channel configurations read,
changed and signed as data (elements, policies, config updates and transactions)."""
