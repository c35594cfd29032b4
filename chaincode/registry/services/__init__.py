"""The registry's rules, one workflow per module, run against the storage ports of `records`.

Each service is built per transaction from the records and the `Tx` (caller, timestamp, tx id).
Every method checks all its rules before its first write, so a refusal leaves nothing behind even
where storage is not transactional.
"""
