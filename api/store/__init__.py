"""The gateway's data dir: a SQLite database shared by every worker (users, tokens, idempotency
records) beside the wallet. Admin commands edit it offline; running workers see changes at once."""
