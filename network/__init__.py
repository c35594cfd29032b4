"""The tooling that runs the consortium's Fabric network, natively or on Docker Compose, in four
groups: `config` (what a network is made of, generated from the consortium file), `nodes` (its
processes and their supervisor), `admin` (changing a running network as its organisations'
admins) and `cli` (the `grootboek` commands). Data beside them: consortium.yaml (the default
consortium), fabric/ (the pinned Fabric versions and their Go build modules) and ccaas_builder/
(the peers' chaincode-as-a-service builder)."""
