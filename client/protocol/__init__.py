"""Fabric's messages and block streams beneath both the gateway API (client/) and the admin calls
(client/admin/); Fabric's own code calls the message half protoutil.

- `transaction_context`: transaction ids, nonces and the headers that bind a message to its creator.
- `proposal_builder`: chaincode proposals for any chaincode, system chaincodes included, and signing.
- `envelope`: transaction envelopes assembled from endorsements (as the peer CLI), and read back.
- `seek`: where a block or event stream starts and stops, and the signed Deliver request.
- `deliver`: the Deliver services of peers and orderers, and one-shot block fetches.
"""
