#!/usr/bin/env python3
"""Rewrite an export bundle the way an attacker would, for the tests.

tamper-bundle.py IN OUT ACTION [ARGS]
  flip MEMBER          change one byte in the middle of MEMBER
  delete MEMBER...     drop members
  swap A B             exchange the places of members A and B
  add NAME             append a member NAME before SHA256SUMS
"""
import io
import sys
import tarfile


def main():
    src, dst, action, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with tarfile.open(src, "r:gz") as t:
        members = [(m, t.extractfile(m).read()) for m in t.getmembers()]
    names = [m.name for m, _ in members]
    for a in args if action in ("flip", "delete", "swap") else []:
        if a not in names:
            sys.exit(f"tamper-bundle: no member {a}")
    if action == "flip":
        i = names.index(args[0])
        m, data = members[i]
        b = bytearray(data)
        b[len(b) // 2] ^= 0x01
        members[i] = (m, bytes(b))
    elif action == "delete":
        members = [x for x in members if x[0].name not in args]
    elif action == "swap":
        i, j = names.index(args[0]), names.index(args[1])
        members[i], members[j] = members[j], members[i]
    elif action == "add":
        m = tarfile.TarInfo(args[0])
        data = b"not evidence\n"
        m.size = len(data)
        members.insert(names.index("SHA256SUMS"), (m, data))
    else:
        sys.exit(f"tamper-bundle: unknown action {action}")
    with tarfile.open(dst, "w:gz", format=tarfile.PAX_FORMAT) as t:
        for m, data in members:
            m.size = len(data)
            t.addfile(m, io.BytesIO(data))


main()
