#!/usr/bin/env python3
"""Verifies a message's DKIM signature with dkimpy, an implementation independent of lettre's.

Usage: dkim_verify.py MESSAGE_FILE RECORD_NAME RECORD_VALUE

The DNS lookup is answered with the given TXT record (as a user would publish it) and nothing
else. Prints "PASS" or "FAIL" and exits 0 either way; exits 3 when dkimpy is missing.
"""

import sys

try:
    import dkim
except ImportError:
    print("python3 module dkim (dkimpy) is missing: run scripts/test.sh", file=sys.stderr)
    sys.exit(3)


def main():
    path, name, value = sys.argv[1:4]
    with open(path, "rb") as f:
        message = f.read()

    def dnsfunc(queried, timeout=5):
        queried = queried.decode() if isinstance(queried, bytes) else queried
        if queried.rstrip(".").lower() == name.lower():
            return value.encode()
        return None

    try:
        ok = dkim.verify(message, dnsfunc=dnsfunc)
    except Exception as error:  # dkimpy raises on malformed signatures; that is a failure too
        print("FAIL %s" % error)
        return
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
