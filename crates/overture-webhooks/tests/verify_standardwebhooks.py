"""Verifies webhook deliveries with the `standardwebhooks` package (PyPI), an implementation
of the Standard Webhooks scheme independent of Overture's.

Reads JSON lines from standard input, each {"secret": "whsec_...", "headers": {...},
"body": "..."}, and prints one line per delivery: "ok", or "bad: <reason>". Exits with 1 when
any delivery does not verify.
"""

import json
import sys

from standardwebhooks.webhooks import Webhook


def main() -> int:
    failed = False
    for line in sys.stdin:
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            Webhook(item["secret"]).verify(item["body"], item["headers"])
            print("ok")
        except Exception as e:  # noqa: BLE001 - every failure is reported the same way
            failed = True
            print(f"bad: {type(e).__name__}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
