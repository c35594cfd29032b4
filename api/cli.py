"""`grootboek api ...`: run the REST gateway and manage its users and tokens.

Every admin command edits the gateway's data dir directly, so it works whether or not the gateway
runs. Name the gateway by its configuration file (`--config`) or by organisation (`--org`, which
means `<state>/api/<Org>/config.yaml` of the network's state directory).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from grootboek.network.cli.support import CommandError, default_consortium

API_STATE_DIR = "api"


def register(groups: argparse._SubParsersAction) -> None:
    api = groups.add_parser("api", help="the REST gateway: serve it, manage its users and tokens")
    add_commands(api.add_subparsers(dest="command", required=True, metavar="COMMAND"))


def add_commands(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the gateway (foreground)")
    _gateway_options(serve)
    serve.set_defaults(handler=cmd_serve)

    user = commands.add_parser("user", help="users: Fabric identities with gateway roles")
    users = user.add_subparsers(dest="user_command", required=True, metavar="COMMAND")
    add = users.add_parser("add", help="add a user acting as an identity from an MSP directory")
    _gateway_options(add)
    add.add_argument("name", help="user name (also its wallet label)")
    add.add_argument("--msp-dir", type=Path,
                     help="MSP directory with signcerts/ and keystore/ (default with --org: the "
                          "network's generated user of that name)")
    _user_options(add)
    add.set_defaults(handler=cmd_user_add)
    enroll = users.add_parser("enroll", help="add a user enrolled now at the organisation's Fabric CA")
    _gateway_options(enroll)
    enroll.add_argument("name", help="user name: its CA enrolment id and wallet label")
    enroll.add_argument("--attr", action="append", default=[], metavar="NAME=VALUE",
                        help="certificate attribute, e.g. role=officer (repeatable)")
    _user_options(enroll)
    enroll.set_defaults(handler=cmd_user_enroll)
    renew = users.add_parser("renew", help="renew a user's certificate at the organisation's Fabric CA "
                                           "(before it expires; roles and tokens stay)")
    _gateway_options(renew)
    renew.add_argument("name")
    renew.set_defaults(handler=cmd_user_renew)
    listing = users.add_parser("list", help="list users")
    _gateway_options(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_user_list)
    remove = users.add_parser("remove", help="remove a user, its identity and its tokens")
    _gateway_options(remove)
    remove.add_argument("name")
    remove.set_defaults(handler=cmd_user_remove)

    token = commands.add_parser("token", help="API tokens (only their hashes are stored)")
    tokens = token.add_subparsers(dest="token_command", required=True, metavar="COMMAND")
    issue = tokens.add_parser("issue", help="issue a token for a user and print it (shown once)")
    _gateway_options(issue)
    issue.add_argument("user")
    issue.add_argument("--label", default="", help="what the token is for, e.g. 'till 3'")
    issue.add_argument("--expires-in-days", type=float, default=None)
    issue.set_defaults(handler=cmd_token_issue)
    token_list = tokens.add_parser("list", help="list tokens (ids, never the tokens themselves)")
    _gateway_options(token_list)
    token_list.add_argument("--user")
    token_list.add_argument("--json", action="store_true")
    token_list.set_defaults(handler=cmd_token_list)
    revoke = tokens.add_parser("revoke", help="revoke a token by its id")
    _gateway_options(revoke)
    revoke.add_argument("token_id")
    revoke.set_defaults(handler=cmd_token_revoke)

    readmodel = commands.add_parser("readmodel", help="the back office's read model (api/readmodel/)")
    readmodels = readmodel.add_subparsers(dest="readmodel_command", required=True, metavar="COMMAND")
    rebuild = readmodels.add_parser("rebuild", help="empty the read model and take the whole ledger again "
                                    "(also while the gateway runs)")
    _gateway_options(rebuild)
    rebuild.set_defaults(handler=cmd_readmodel_rebuild)

    backup = commands.add_parser("backup", help="copy the gateway's database (users, tokens, "
                                 "payment records) consistently, also while it runs")
    _gateway_options(backup)
    backup.add_argument("--to", type=Path, required=True, help="the new backup file")
    backup.set_defaults(handler=cmd_backup)

    retention = commands.add_parser("retention", help="purge personal data whose scheme ended office.retention_days"
                                    " ago or more (audited; run it daily, e.g. from a systemd timer)")
    _gateway_options(retention)
    retention.add_argument("--as", dest="user", required=True, help="the officer (a gateway user) who purges")
    retention.set_defaults(handler=cmd_retention)


def _user_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", action="append", dest="roles", metavar="ROLE",
                        help="gateway role (repeatable; default: reader + the certificate's role)")
    parser.add_argument("--merchant", help="merchant id a till user acts as (implies role merchant)")
    parser.add_argument("--tls-cert", type=Path,
                        help="client certificate (PEM) that logs this user in by mutual TLS")
    parser.add_argument("--replace", action="store_true", help="replace an existing user of that name")


def _gateway_options(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--config", type=Path, help="the gateway's configuration file")
    which.add_argument("--org", help="organisation whose gateway of the network's state dir")


def config_path(args: argparse.Namespace) -> Path:
    if args.config is not None:
        return args.config
    return _state_dir(args) / API_STATE_DIR / args.org / "config.yaml"


def _state_dir(args: argparse.Namespace) -> Path:
    if getattr(args, "state_dir", None) is not None:
        return Path(args.state_dir)
    from grootboek.network.config import consortium as consortium_file
    from grootboek.network.config.layout import default_state_dir

    consortium = consortium_file.load(getattr(args, "consortium", None) or default_consortium())
    return default_state_dir(consortium.name)


def _load_config(args: argparse.Namespace):
    from .config import ConfigError, load

    try:
        return load(config_path(args))
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


def _accounts(args: argparse.Namespace):
    from .accounts import Accounts
    from .store.database import DatabaseRefused

    try:
        return Accounts.open(_load_config(args))
    except DatabaseRefused as exc:
        raise CommandError(str(exc)) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from .config import ConfigError
    from .server import serve
    from .store.database import DatabaseRefused

    try:
        serve(config_path(args))
    except (ConfigError, DatabaseRefused) as exc:
        raise CommandError(str(exc)) from None
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the running gateway's database (SQLite's online backup)."""
    import sqlite3

    from .store.database import FILE_NAME

    source = _load_config(args).data_dir / FILE_NAME
    if not source.exists():
        raise CommandError(f"{source}: no database to back up")
    if args.to.exists():
        raise CommandError(f"{args.to} exists: back up to a new file")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as db, sqlite3.connect(args.to) as copy:
        db.backup(copy)
    args.to.chmod(0o600)
    print(f"backed up {source} to {args.to}")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from .apps.office.personal import purge_due
    from .auth.roles import Role
    from .services import Services
    from .store.users import UnknownUser

    services = Services.open(_load_config(args))
    try:
        user = services.users.get(args.user)
    except UnknownUser:
        raise CommandError(f"no gateway user {args.user}") from None
    if Role.OFFICER not in user.roles:
        raise CommandError(f"user {args.user} is no officer: only officers purge personal data")
    if services.config.chaincode("budgets") is None:
        raise CommandError("this gateway's chaincodes: has no budgets, so it holds no personal data")
    try:
        purged = purge_due(services, user, datetime.now(timezone.utc))
    finally:
        services.connections.close()
    for item in purged:
        print(f"{item.budget_id}\t{item.scheme_id}\tscheme ended {item.scheme_ended}\t{item.outcome}")
    print(f"purged {sum(item.outcome == 'ok' for item in purged)} of {len(purged)} due "
          f"(retention {services.config.office.retention_days} days)")
    return 0 if all(item.outcome == "ok" for item in purged) else 1


def cmd_readmodel_rebuild(args: argparse.Namespace) -> int:
    from .readmodel.backends import DatabaseUnavailable
    from .readmodel.ingest import ChannelBlocks, NoIdentity, rebuild
    from .services import Services

    config = _load_config(args)
    services = Services.open(config)
    budgets = config.chaincode("budgets")
    if services.readmodel is None or budgets is None:
        raise CommandError(f"the {config.organization} gateway keeps no read model: it needs the budgets chaincode "
                           f"and the office app (apps: [office])")
    blocks = ChannelBlocks(services.connections, budgets.channel)
    try:
        height = blocks.height()
        rebuild(services.readmodel, blocks.open, height)
    except (NoIdentity, DatabaseUnavailable) as exc:
        raise CommandError(str(exc)) from None
    finally:
        services.connections.close()
    print(f"rebuilt the read model of channel {budgets.channel} from blocks 0 to {height - 1}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from .accounts import AccountError

    msp_dir = args.msp_dir
    if msp_dir is None:
        if args.org is None:
            raise CommandError("give --msp-dir (or --org to import the network's generated user)")
        msp_dir = _network_user_msp(args)
    roles = _roles(args)
    accounts = _accounts(args)
    try:
        user = accounts.import_identity(args.name, msp_dir, roles, args.merchant, args.tls_cert, args.replace)
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    _print_user(accounts, user)
    return 0


def cmd_user_enroll(args: argparse.Namespace) -> int:
    from .accounts import AccountError, Accounts
    from .enrollment import enroll

    attributes = dict(item.split("=", 1) for item in args.attr if "=" in item)
    if len(attributes) != len(args.attr):
        raise CommandError("attributes are NAME=VALUE")
    roles = _roles(args)
    config = _load_config(args)
    accounts = Accounts.open(config)
    try:
        if not args.replace:
            accounts.require_new(args.name)  # before the CA hands out a certificate for nothing
        entry = enroll(config, args.name, attributes)
        user = accounts.add(args.name, entry, roles, args.merchant, args.tls_cert, args.replace)
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    _print_user(accounts, user)
    return 0


def cmd_user_renew(args: argparse.Namespace) -> int:
    from .accounts import AccountError, Accounts
    from .enrollment import reenroll
    from .store.users import UnknownUser

    config = _load_config(args)
    accounts = Accounts.open(config)
    try:
        entry = reenroll(config, args.name, accounts.wallet.get(args.name))
        accounts.replace_certificate(args.name, entry)
    except (KeyError, UnknownUser):
        raise CommandError(f"no user {args.name} at this gateway (`grootboek api user list`)") from None
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    print(f"user {args.name}: renewed, valid until {entry.identity.x509_certificate.not_valid_after_utc:%Y-%m-%d}")
    return 0


def _roles(args: argparse.Namespace):
    from .auth.roles import Role

    try:
        return None if args.roles is None else {Role(r) for r in args.roles}
    except ValueError as exc:
        raise CommandError(f"{exc}; roles are {', '.join(r.value for r in Role)}") from None


def _print_user(accounts, user) -> None:
    print(f"user {user.name}: {user.msp_id}, roles {', '.join(sorted(user.roles))}"
          + (f", merchant {user.merchant}" if user.merchant else "")
          + f"\nfabric id {accounts.fabric_id(user.name)}")


def _network_user_msp(args: argparse.Namespace) -> Path:
    from grootboek.network.config import consortium as consortium_file
    from grootboek.network.config.layout import Layout

    state = _state_dir(args)
    layout = Layout(consortium_file.load(state / "consortium.yaml"), state)
    return layout.crypto(args.org).user_dir(args.name) / "msp"


def cmd_user_list(args: argparse.Namespace) -> int:
    accounts = _accounts(args)
    rows = [{"name": u.name, "msp_id": u.msp_id, "roles": sorted(u.roles), "merchant": u.merchant,
             "mutual_tls": u.tls_cert_sha256 is not None, "fabric_id": accounts.fabric_id(u.name)}
            for u in accounts.users.all()]
    if args.json:
        print(json.dumps(rows, indent=1))
    for row in [] if args.json else rows:
        print(f"{row['name']:20} {','.join(row['roles']):32} {row['merchant'] or '-':16} {row['fabric_id']}")
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    from .store.users import UnknownUser

    try:
        active = _accounts(args).remove(args.name)
    except UnknownUser:
        raise CommandError(f"no user {args.name}") from None
    print(f"removed user {args.name} and its identity; its {active} active token(s) no longer work")
    return 0


def cmd_token_issue(args: argparse.Namespace) -> int:
    from .store.users import UnknownUser

    accounts = _accounts(args)
    try:
        accounts.users.get(args.user)
    except UnknownUser:
        raise CommandError(f"no user {args.user}") from None
    ttl = None if args.expires_in_days is None else args.expires_in_days * 86400
    token, info = accounts.tokens.issue(args.user, args.label, ttl)
    print(token)
    print(f"token id {info.id} for {args.user} (store it now: it is not shown again)", file=sys.stderr)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    now = time.time()
    tokens = _accounts(args).tokens.list(args.user)
    if args.json:
        print(json.dumps([dict(info.__dict__, active=info.active(now)) for info in tokens], indent=1))
        return 0
    for info in tokens:
        state = "active" if info.active(now) else ("revoked" if info.revoked_at else "expired")
        print(f"{info.id:18} {info.user:20} {state:8} {info.label}")
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from .store.tokens import UnknownToken

    try:
        user = _accounts(args).tokens.revoke(args.token_id)
    except UnknownToken:
        raise CommandError(f"no token {args.token_id}") from None
    print(f"revoked token {args.token_id} of user {user}" if user is not None
          else f"token {args.token_id} was revoked already")
    return 0
