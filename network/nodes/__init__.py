"""The network's processes: Fabric binaries (found or built from the pins in network/fabric/), the
supervisor that runs and restarts every node, readiness signals, the REST gateways, and the
`Network` that brings a consortium up natively, or on Docker Compose, and stops it."""
