"""The command line of the network part: `grootboek up/down/status/logs`, `network ...` (also on
Docker Compose), `chaincode ...`, and the administration groups `channel`, `org`, `orderer` and
`identity`; each module adds its group to the `grootboek` command (grootboek/cli.py)."""
