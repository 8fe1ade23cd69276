#!/usr/bin/env python3
"""Times single huge commands against a server, and its resident memory after they are deleted.

usage: big-commands.py PORT PID [WORKLOAD...]

Workloads: LPUSH_1M_ARGS (LPUSH of 1,000,000 elements in one command), HSET_200K_PAIRS (HSET of 200,000
field-value pairs), SET_512MB (SET of a 512 MB value). Each is built in memory first, then sent on a fresh
connection; the time is from the first byte sent to the reply's last byte. After each, the key is deleted.
Prints one line per workload: `name seconds peak_rss_kb` and, at the end, `AFTER_DEL rss_kb` measured
a few seconds after the last DEL (memory a server keeps after big values are freed).
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


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    workloads = sys.argv[3:] or ["LPUSH_1M_ARGS", "HSET_200K_PAIRS", "SET_512MB"]
    for name in workloads:
        payload, key = build(name)
        seconds = run(port, payload)
        peak = hwm_kb(pid)
        del payload
        run(port, command([b"DEL", key]))
        print("%s %.3f %d" % (name, seconds, peak), flush=True)
    time.sleep(3)
    print("AFTER_DEL %d" % rss_kb(pid), flush=True)


if __name__ == "__main__":
    main()
