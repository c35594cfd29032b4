"""The gateway's data dir: a SQLite database shared by the gateway and its admin commands (users,
tokens, idempotency records) beside the wallet. Admin commands edit it offline; a running gateway sees changes at once."""
