#!/usr/bin/env python3
"""Times single huge commands against servers, and their resident memory once the big keys are deleted.

usage: big-commands.py ROUNDS NAME=PORT:PID [NAME=PORT:PID ...] [-- WORKLOAD ...]

Workloads: LPUSH_1M_ARGS (LPUSH of 1,000,000 elements in one command), HSET_200K_PAIRS (HSET of 200,000
field-value pairs), SET_512MB (SET of a 512 MB value). Each command is built in memory once, then sent to each
server in turn, ROUNDS times, on a fresh connection; the time is from the first byte sent to the reply's last
byte, and the key is deleted after each run. Prints the median seconds per server and the median of each
round's time ratio first server / second server (below 1: the first is faster). Then per server the peak
resident memory (VmHWM, the process's whole life) and the resident memory 3 s after the last DEL: what a
server keeps of memory that big values freed.
"""
import socket
import sys
import time


def bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


def command(args):
    return b"*%d\r\n" % len(args) + b"".join(bulk(a) for a in args)


def build(name):
    if name == "LPUSH_1M_ARGS":
        return command([b"LPUSH", b"big:list"] + [b"element:%d" % i for i in range(1_000_000)]), b"big:list"
    if name == "HSET_200K_PAIRS":
        args = [b"HSET", b"big:hash"]
        for i in range(200_000):
            args.append(b"field:%d" % i)
            args.append(b"value:%d" % i)
        return command(args), b"big:hash"
    if name == "SET_512MB":
        size = 512 * 1024 * 1024
        # Built in pieces: one bytes object of the whole command, without a second copy of the value.
        return [b"*3\r\n$3\r\nSET\r\n$7\r\nbig:str\r\n$%d\r\n" % size, b"x" * size, b"\r\n"], b"big:str"
    raise SystemExit("unknown workload " + name)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def read_reply(sock):
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("connection closed")
        data += chunk
    return data


def run(port, payload):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        start = time.perf_counter()
        for part in payload if isinstance(payload, list) else [payload]:
            sock.sendall(part)
        reply = read_reply(sock)
        elapsed = time.perf_counter() - start
    if reply.startswith(b"-"):
        raise SystemExit("error reply: " + reply.decode(errors="replace"))
    return elapsed


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def main():
    rounds = int(sys.argv[1])
    rest = sys.argv[2:]
    workloads = ["LPUSH_1M_ARGS", "HSET_200K_PAIRS", "SET_512MB"]
    if "--" in rest:
        workloads = rest[rest.index("--") + 1:]
        rest = rest[:rest.index("--")]
    servers = []
    for spec in rest:
        name, target = spec.split("=")
        port, pid = target.split(":")
        servers.append((name, int(port), int(pid)))
    header = "%-18s" % "big command" + "".join("%14s" % (name + " s") for name, _, _ in servers)
    if len(servers) > 1:
        header += "%22s" % ("time %s/%s" % (servers[0][0], servers[1][0]))
    print(header, flush=True)
    for workload in workloads:
        payload, key = build(workload)
        times = {name: [] for name, _, _ in servers}
        ratios = []
        for r in range(rounds):
            # Alternate which server goes first, so neither always runs right after the other's big free.
            order = servers if r % 2 == 0 else servers[::-1]
            for name, port, _ in order:
                times[name].append(run(port, payload))
                run(port, command([b"DEL", key]))
            if len(servers) > 1:
                ratios.append(times[servers[0][0]][-1] / times[servers[1][0]][-1])
        del payload
        line = "%-18s" % workload + "".join("%14.3f" % median(times[name]) for name, _, _ in servers)
        if ratios:
            line += "%21.2fx" % median(ratios)
        print(line, flush=True)
    time.sleep(3)
    print("%-18s%16s%16s" % ("big memory", "peak MB", "after DEL MB"), flush=True)
    for name, _, pid in servers:
        print("%-18s%16d%16d" % (name, hwm_kb(pid) // 1024, rss_kb(pid) // 1024), flush=True)


if __name__ == "__main__":
    main()
