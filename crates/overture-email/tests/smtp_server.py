#!/usr/bin/env python3
"""A real SMTP server on loopback for overture-email's tests (aiosmtpd).

Two listeners share one handler: STARTTLS (required before AUTH) and implicit TLS. Both
require AUTH PLAIN or LOGIN with --user/--password. Every accepted message is written to
--maildir as NNNN.eml (the bytes as received) with NNNN.json beside it (envelope, login).

Failures are injected by the recipient's local part:
  fail421, fail450, fail451, fail452  -> that 4xx reply to RCPT TO
  nouser                              -> 550 5.1.1 to RCPT TO
  relaydenied                         -> 550 5.7.1 to RCPT TO
  spam                                -> 554 5.7.1 after the content (nothing stored)
  hang                                -> stores the message, then never answers the content

Once both listeners are up it prints one line, "READY <starttls port> <implicit port>", and
serves until its standard input closes or it is killed.
"""

import argparse
import asyncio
import itertools
import json
import os
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    print(
        "python3 module aiosmtpd is missing: run scripts/test.sh (it installs aiosmtpd and dkimpy)",
        file=sys.stderr,
    )
    sys.exit(3)

RCPT_FAILURES = {
    "fail421": "421 4.7.0 Try again later, closing connection",
    "fail450": "450 4.2.1 Mailbox busy, try again later",
    "fail451": "451 4.3.0 Local error in processing, try again later",
    "fail452": "452 4.5.3 Too many recipients, try again later",
    "nouser": "550 5.1.1 No such user here",
    "relaydenied": "550 5.7.1 Relaying denied",
}


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        failure = RCPT_FAILURES.get(local)
        if failure:
            return failure
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Recipient OK"

    async def handle_DATA(self, server, session, envelope):
        locals_ = {rcpt.split("@", 1)[0].lower() for rcpt in envelope.rcpt_tos}
        if "spam" in locals_:
            return "554 5.7.1 Message refused as spam"
        self.store(session, envelope)
        if "hang" in locals_:
            await asyncio.sleep(3600)
        return "250 2.0.0 Message accepted"

    def store(self, session, envelope):
        # Written under a temporary name and renamed, so a reader never sees half a message.
        stem = os.path.join(self.maildir, "%04d" % next(self.counter))
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "login": login}
        with open(stem + ".json.tmp", "w") as f:
            json.dump(meta, f)
        with open(stem + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.replace(stem + ".json.tmp", stem + ".json")
        os.replace(stem + ".eml.tmp", stem + ".eml")


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    handler = Handler(args.maildir)
    common = dict(
        hostname="smtp.example.org",
        auth_required=True,
        authenticator=authenticator(args.user, args.password),
    )
    loop = asyncio.get_running_loop()
    starttls = await loop.create_server(
        lambda: SMTP(handler, tls_context=context, require_starttls=True, auth_require_tls=True, **common),
        "127.0.0.1",
        0,
    )
    # On the implicit-TLS listener the whole connection is encrypted, which aiosmtpd's
    # auth_require_tls does not see; AUTH is safe there.
    implicit = await loop.create_server(
        lambda: SMTP(handler, auth_require_tls=False, **common),
        "127.0.0.1",
        0,
        ssl=context,
    )
    ports = [s.sockets[0].getsockname()[1] for s in (starttls, implicit)]
    print("READY %d %d" % tuple(ports), flush=True)
    # Serve until the test closes our standard input (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
