#!/usr/bin/env python3
"""Prints Spinel CommandSpec declarations for Redis commands, from ../shared/redis-commands.

Usage: tools/command-decl.py get set "config|get"
The metadata is Redis 7.2's; where Redis 7.0 (our spec) differs, adjust by hand (see
shared/redis-commands/README.md). Handler names are guessed from the command name.
"""
import json, os, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "redis-commands")


def load(name):
    parent, _, sub = name.lower().partition("|")
    fname = f"{parent}-{sub}.json" if sub else f"{parent}.json"
    with open(os.path.join(ROOT, fname)) as f:
        return next(iter(json.load(f).items()))


def spec_text(ks):
    flags = " ".join(ks.get("flags", []))
    bs, fk = ks["begin_search"], ks["find_keys"]
    if "index" in bs:
        begin = f"index {bs['index']['pos']}"
    elif "keyword" in bs:
        begin = f"keyword {bs['keyword']['keyword']} {bs['keyword']['startfrom']}"
    else:
        begin = "unknown"
    if "range" in fk:
        r = fk["range"]
        find = f"range {r['lastkey']} {r['step']} {r['limit']}"
    elif "keynum" in fk:
        k = fk["keynum"]
        find = f"keynum {k['keynumidx']} {k['firstkey']} {k['step']}"
    else:
        find = "unknown"
    notes = f" | {ks['notes']}" if ks.get("notes") else ""
    return f"{flags}: {begin} {find}{notes}"


def handler_name(name):
    return "".join(p.capitalize() for p in name.replace("|", "-").replace("_", "-").split("-"))


def decl(name):
    key, c = load(name)
    sub = "|" in name
    cname = name.split("|")[-1].lower()
    flags = " ".join(f.lower() for f in c.get("command_flags", []))
    acl = " ".join("@" + a.lower() for a in c.get("acl_categories", []))
    parts = [f'"{cname}"', str(c["arity"]), f'"{flags}"', f'"{acl}"', handler_name(cname)]
    parts += [f'"{spec_text(ks)}"' for ks in c.get("key_specs", [])]
    init = []
    if c.get("command_tips"):
        init.append("Tips = [" + ", ".join(f'"{t.lower()}"' for t in c["command_tips"]) + "]")
    init.append(f'Group = "{c.get("group", "generic")}"')
    init.append(f'Since = "{c.get("since", "1.0.0")}"')
    return f"new({', '.join(parts)}) {{ {', '.join(init)} }},"


if __name__ == "__main__":
    for n in sys.argv[1:]:
        print(decl(n))
