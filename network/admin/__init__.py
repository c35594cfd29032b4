"""Administering a running network as its organisations' admins: peers, orderers' channel
participation and the chaincode lifecycle; channels created and their configuration updated;
organisations and orderers joining and leaving; users enrolled at and revoked by Fabric CA."""
