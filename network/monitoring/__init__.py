"""Monitoring a member's nodes: `health` finds what is wrong now (for `grootboek status --check`
and cron), `textfile` publishes what Fabric's own metrics lack (certificate expiry, supervisor
restarts, free disk) for node_exporter's textfile collector, and `alerts.yml` holds the Prometheus
alert rules over both."""
