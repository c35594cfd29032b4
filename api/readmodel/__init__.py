"""The back office's read model: an off-chain store (a SQLite file, or a PostgreSQL database shared
by several gateway instances) of the budgets chaincode's payments, refunds, settlements and budgets,
taken from the channel's blocks, for reports over a whole scheme that a chaincode query over every
budget could not answer in time. `blocks.py` reads a block, `store.py` keeps the rows with their
checkpoint, `backends.py` is where (SQLite or PostgreSQL), `ingest.py` follows the channel (and
rebuilds), `reports.py` answers the reports."""
