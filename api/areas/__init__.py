"""The gateway's areas, one blueprint each: generic Fabric access, budgets, land registry."""
