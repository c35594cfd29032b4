"""Who is calling: users, their roles, and how they prove it (bearer tokens or mutual TLS)."""
