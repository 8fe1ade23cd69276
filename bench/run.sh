#!/usr/bin/env bash
# Spinel vs redis-server (vs Garnet when installed), side by side on loopback, in interleaved rounds.
# Usage: bench/run.sh [rounds]      env: REQUESTS (default 300000), GARNET (path to garnet-server),
#   ONLY (a regex: run just the workloads whose label matches), MEMORY=0 (skip the memory and expiry runs),
#   BIG=0 (skip the big single commands: LPUSH of 1M elements, HSET of 200k pairs, SET of 512 MB),
#   PIN=1 (pin servers and load to separate CPUs)
# After a warm-up pass, prints requests/second per server (median of the rounds, server order rotated
# each round) and the ratio Spinel/Redis (median of each round's ratio),
# then resident bytes per key after loading 1M keys with 10-byte values by pipelined SET.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
REQUESTS=${REQUESTS:-300000}
command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark and redis-server (apt-get install redis-server redis-tools)"; exit 1; }

dotnet build -c Release src/Spinel.Server -v quiet -nologo >/dev/null
dotnet build -c Release bench/multi-load -v quiet -nologo >/dev/null
SPINEL_DLL=src/Spinel.Server/bin/Release/net10.0/spinel-server.dll
MULTI_LOAD_DLL=bench/multi-load/bin/Release/net10.0/multi-load.dll

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start"; exit 1; }

# PIN=1 runs the servers on CPU 1 and the load (redis-benchmark, subscribers) on CPU 0, so client and server never
# share a core; every server then gets the same one core (Garnet, multi-threaded, is held to it too). Off by default:
# on the 2-core reference machine it did not make whole runs steadier, and it lowers every -P 1 figure alike.
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then SERVER_ON=(taskset -c 1); CLIENT_ON=(taskset -c 0)
else SERVER_ON=(); CLIENT_ON=(); fi

declare -A PORT PID
names=(spinel redis)
GARNET=${GARNET:-$(command -v garnet-server || ls ~/.dotnet/tools/garnet-server /opt/garnet/garnet-server 2>/dev/null | head -n1 || true)}
if [ -n "$GARNET" ] && [ -x "$GARNET" ]; then names+=(garnet); fi
for n in "${names[@]}"; do PORT[$n]=$(free_port); done

# start_server NAME: (re)starts a fresh process on its port. Memory figures each start from a fresh
# server, because an allocator keeps what a FLUSHALL freed and the next load would reuse it.
start_server() {
  local n=$1
  if [ -n "${PID[$n]:-}" ]; then kill "${PID[$n]}" 2>/dev/null || true; wait "${PID[$n]}" 2>/dev/null || true; fi
  case $n in
    spinel) "${SERVER_ON[@]}" dotnet "$SPINEL_DLL" --port "${PORT[spinel]}" --bind 127.0.0.1 --loglevel warning >/dev/null & PID[spinel]=$! ;;
    redis) "${SERVER_ON[@]}" redis-server --port "${PORT[redis]}" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning >/dev/null & PID[redis]=$! ;;
    garnet) "${SERVER_ON[@]}" "$GARNET" --port "${PORT[garnet]}" --bind 127.0.0.1 >/dev/null 2>&1 & PID[garnet]=$! ;;
  esac
  wait_port "${PORT[$n]}"
}
trap 'for p in "${SUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for n in "${names[@]}"; do kill "${PID[$n]}" 2>/dev/null || true; done' EXIT
for n in "${names[@]}"; do start_server "$n"; done
# The ZRANGE workloads read bench:zset: 10,000 members "member:<i>" with score i (the big encoding).
zfill=$(mktemp)
python3 - "$zfill" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for start in range(0, 10_000, 100):
        args = [b"ZADD", b"bench:zset"]
        for i in range(start, start + 100):
            args += [b"%d" % i, b"member:%d" % i]
        f.write(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
PY
for n in "${names[@]}"; do redis-cli -p "${PORT[$n]}" --pipe < "$zfill" >/dev/null; done
rm -f "$zfill"
# The EVALSHA workloads run a script doing one GET and one SET, loaded on every server first.
BENCH_SCRIPT="local v = redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], ARGV[1]) return v"
BENCH_SHA=$(printf '%s' "$BENCH_SCRIPT" | sha1sum | cut -c1-40)
for n in "${names[@]}"; do redis-cli -p "${PORT[$n]}" SCRIPT LOAD "$BENCH_SCRIPT" >/dev/null || true; done

# name|redis-benchmark arguments[|subscribers: redis-cli SUBSCRIBE bench:chan readers running meanwhile]
workloads=(
  "SET -P 1|-t set -P 1"
  "GET -P 1|-t get -P 1"
  "SET -P 16|-t set -P 16"
  "GET -P 16|-t get -P 16"
  "INCR -P 1|-t incr -P 1"
  "INCR -P 16|-t incr -P 16"
  "MSET -P 1|-t mset -P 1"
  "HSET -P 16|-t hset -P 16"
  "SADD -P 16|-t sadd -P 16"
  "SPOP -P 16|-t spop -P 16"
  "LPUSH -P 16|-t lpush -P 16"
  "RPUSH -P 16|-t rpush -P 16"
  "LPOP -P 16|-t lpop -P 16"
  "RPOP -P 16|-t rpop -P 16"
  "LRANGE_100 -P 1|-t lrange_100 -P 1"
  "ZADD -P 16|-t zadd -P 16"
  "ZRANGE_100 -P 1|-P 1 ZRANGE bench:zset 0 99"
  "ZRANGEBYSCORE_100 -P 1|-P 1 ZRANGEBYSCORE bench:zset 5000 +inf LIMIT 0 100"
  # redis-benchmark pads __rand_int__ to 12 digits, which no bit offset accepts: it picks the key instead.
  "SETBIT -P 16|-P 16 -r 10000 SETBIT bench:bits:__rand_int__ 8191 1"
  "BITCOUNT 1MB -P 1|-P 1 -n 20000 BITCOUNT bench:1mb"
  "PFADD -P 16|-P 16 PFADD hll __rand_int__"
  "MULTI_3xSET -P 1|@multi-load"
  "EVALSHA -P 1|-P 1 EVALSHA $BENCH_SHA 1 key:__rand_int__ v"
  "EVALSHA -P 16|-P 16 EVALSHA $BENCH_SHA 1 key:__rand_int__ v"
  "PUBLISH_1SUB -P 1|-P 1 PUBLISH bench:chan message|1"
  "PUBLISH_50SUB -P 1|-P 1 PUBLISH bench:chan message|50"
)
# load PORT REQUESTS FORMAT ARGS...: one workload against one server. FORMAT is -q or --csv. "@multi-load" runs
# bench/multi-load (MULTI, 3 SETs, EXEC per request: redis-benchmark sends one command per request).
load() {
  local port=$1 n=$2 format=$3; shift 3
  # multi-load runs its socket continuations on its one epoll thread, with no thread-pool spinning: a single-threaded
  # client, as redis-benchmark is, that leaves the servers the other core.
  if [ "$1" = "@multi-load" ]; then DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 \
    "${CLIENT_ON[@]}" dotnet "$MULTI_LOAD_DLL" -p "$port" -c 50 -r 100000 -n "$n"
  else "${CLIENT_ON[@]}" redis-benchmark -p "$port" -c 50 -r 100000 -n "$n" "$format" "$@"; fi
}
# subscribers PORT COUNT: starts COUNT redis-cli readers of bench:chan (output to /dev/null), waits until all are subscribed.
SUB_PIDS=()
subscribers() {
  for _ in $(seq "$2"); do "${CLIENT_ON[@]}" redis-cli -p "$1" SUBSCRIBE bench:chan >/dev/null 2>&1 & SUB_PIDS+=($!); done
  for _ in $(seq 100); do [ "$(redis-cli -p "$1" PUBSUB NUMSUB bench:chan | tail -n1)" = "$2" ] && return 0; sleep 0.1; done
}
stop_subscribers() { for p in "${SUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; SUB_PIDS=(); }
if [ -n "${ONLY:-}" ]; then
  kept=(); for w in "${workloads[@]}"; do [[ ${w%%|*} =~ $ONLY ]] && kept+=("$w"); done; workloads=("${kept[@]}")
fi
results=$(mktemp)
# BITCOUNT reads one 1 MB value of random bytes, written before the runs (as LRANGE tests push their list first).
bigvalue=$(mktemp); head -c 1048576 /dev/urandom > "$bigvalue"
for n in "${names[@]}"; do redis-cli -p "${PORT[$n]}" -x SET bench:1mb < "$bigvalue" >/dev/null; done
rm -f "$bigvalue"
# Warm-up, not recorded: .NET servers reach steady state only after tiered JIT and PGO have run.
for w in "${workloads[@]}"; do
  rest=${w#*|}; args=${rest%%|*}; subs=0; [[ $rest == *"|"* ]] && subs=${rest##*|}
  for n in "${names[@]}"; do
    subscribers "${PORT[$n]}" "$subs"
    # shellcheck disable=SC2086
    load "${PORT[$n]}" 100000 -q $args >/dev/null 2>&1 || true
    stop_subscribers
  done
done
for round in $(seq "$ROUNDS"); do
  # Rotate which server goes first, so no server always runs right after the same neighbour.
  order=("${names[@]:$(( (round - 1) % ${#names[@]} ))}" "${names[@]:0:$(( (round - 1) % ${#names[@]} ))}")
  for w in "${workloads[@]}"; do
    label=${w%%|*}; rest=${w#*|}; args=${rest%%|*}; subs=0; [[ $rest == *"|"* ]] && subs=${rest##*|}
    # A pipelined run is over in a fraction of a second at REQUESTS, where one hiccup of the machine shows: 4 times as many.
    requests=$REQUESTS; [[ $args == *"-P 16"* ]] && requests=$((REQUESTS * 4))
    for n in "${order[@]}"; do
      subscribers "${PORT[$n]}" "$subs"
      # The last row: LRANGE tests first print the LPUSH run that fills the list. Options go before $args,
      # which may end in a command line (redis-benchmark reads everything after the command as its arguments).
      # shellcheck disable=SC2086
      rps=$( (load "${PORT[$n]}" "$requests" --csv $args 2>/dev/null || true) | awk -F'","' 'NR>1 {rps=$2} END {print rps}')
      stop_subscribers
      echo "$label|$n|${rps:-0}|$round" >> "$results"
    done
  done
  echo "round $round done" >&2
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '\n%-12s' "workload"; for n in "${names[@]}"; do printf '%14s' "$n"; done; printf '%16s' "spinel/redis"
if [ "${#names[@]}" -gt 2 ]; then printf '%16s' "spinel/garnet"; fi; echo
echo "(servers: median rps of the rounds; ratios: median of the rounds' ratios)"
for w in "${workloads[@]}"; do
  label=${w%%|*}
  printf '%-12s' "$label"
  declare -A m=()
  for n in "${names[@]}"; do
    # Whole-field match: "SET -P 1" must not also pick up the rows of "MULTI_3xSET -P 1".
    m[$n]=$(awk -F'|' -v l="$label" -v s="$n" '$1 == l && $2 == s {print $3}' "$results" | median)
    printf '%14.0f' "${m[$n]}"
  done
  for other in redis garnet; do
    [ -n "${PORT[$other]:-}" ] || continue
    # The median of each round's ratio: the two runs of a round are seconds apart, so a slow spell of a noisy
    # machine weighs on both sides of a ratio instead of on one server's median.
    awk -F'|' -v l="$label" -v o="$other" '$1 == l && $2 == "spinel" {s[$4] = $3} $1 == l && $2 == o {r[$4] = $3}
      END {for (k in s) if (r[k] > 0) print s[k] / r[k]}' "$results" | median | awk '{printf "%15.2fx", $1}'
  done
  echo
done
rm -f "$results"

# Big commands: LPUSH of 1M elements, HSET of 200k field-value pairs and SET of a 512 MB value, each one command,
# timed per server (median of the rounds), then peak resident memory and what is left 3 s after the keys were
# deleted. Fresh servers, so the peak is this section's. BIG=0 skips it; ONLY filters it by workload name.
big=()
for w in LPUSH_1M_ARGS HSET_200K_PAIRS SET_512MB; do
  if [ -z "${ONLY:-}" ] || [[ $w =~ ${ONLY} ]]; then big+=("$w"); fi
done
if [ "${BIG:-1}" != 0 ] && [ ${#big[@]} -gt 0 ]; then
  start_server spinel
  start_server redis
  echo
  "${CLIENT_ON[@]}" python3 bench/big-commands.py "$ROUNDS" "spinel=${PORT[spinel]}:${PID[spinel]}" "redis=${PORT[redis]}:${PID[redis]}" -- "${big[@]}"
fi

[ "${MEMORY:-1}" = 0 ] && exit 0

# Memory: 1M keys with 10-byte values, loaded by pipelined SET (redis-cli --pipe).
rss() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$1/status"; }
# write_load FILE PREFIX [SET options...]: 1M pipelined "SET PREFIX<n> value12345 [options]" commands.
write_load() {
  python3 - "$@" <<'PY'
import sys
path, prefix, options = sys.argv[1], sys.argv[2].encode(), [o.encode() for o in sys.argv[3:]]
tail = b"".join(b"$%d\r\n%s\r\n" % (len(o), o) for o in options)
with open(path, "wb") as f:
    for i in range(1_000_000):
        k = b"%s%012d" % (prefix, i)
        f.write(b"*%d\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$10\r\nvalue12345\r\n%s" % (3 + len(options), len(k), k, tail))
PY
}
load=$(mktemp)
write_load "$load" key:
echo
printf '%-12s%16s%16s\n' "memory" "bytes/key" "keys"
for n in spinel redis; do
  start_server "$n"
  sleep 1
  before=$(rss "${PID[$n]}")
  redis-cli -p "${PORT[$n]}" --pipe < "$load" >/dev/null
  sleep 2
  after=$(rss "${PID[$n]}")
  keys=$(redis-cli -p "${PORT[$n]}" dbsize)
  printf '%-12s%16.1f%16d\n' "$n" "$(awk -v a="$after" -v b="$before" -v k="$keys" 'BEGIN {print (a-b)/k}')" "$keys"
done

# Hash memory: bytes per field of one hash with 1M fields, and of 1,000 and 10,000 hashes with 100 fields
# each. Two figures a load: resident memory (what the OS sees) and INFO used_memory (the allocator's count;
# for Spinel the GC heap), each a difference from before the load. Before it, a few hashes are written and
# flushed, so code paths warmed up (JIT) are not counted as data. Small loads are dominated by fixed costs
# (a GC region is 4 MB): compare their used_memory, or the 10,000 x 100 load.
python3 - "$load" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(1_000_000):
        fld = b"field:%010d" % i
        f.write(b"*4\r\n$4\r\nHSET\r\n$7\r\nbighash\r\n$%d\r\n%s\r\n$10\r\nvalue12345\r\n" % (len(fld), fld))
PY
# small_hashes FILE COUNT [PREFIX]: COUNT hashes of 100 fields ("field:000".."field:099" = "value12345").
small_hashes() {
  python3 - "$@" <<'PY'
import sys
path, count, prefix = sys.argv[1], int(sys.argv[2]), (sys.argv[3] if len(sys.argv) > 3 else "hash:").encode()
with open(path, "wb") as f:
    for h in range(count):
        k = b"%s%06d" % (prefix, h)
        for i in range(100):
            fld = b"field:%03d" % i
            f.write(b"*4\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$10\r\nvalue12345\r\n" % (len(k), k, len(fld), fld))
    if len(sys.argv) > 3:
        f.write(b"*1\r\n$8\r\nFLUSHALL\r\n")
PY
}
small=$(mktemp); small10k=$(mktemp); warm=$(mktemp)
small_hashes "$small" 1000
small_hashes "$small10k" 10000
small_hashes "$warm" 20 warm:
used_memory() { redis-cli -p "$1" info memory | awk -F: '/^used_memory:/ {print $2 + 0}'; }
echo
printf '%-12s%24s%24s%24s\n' "hash memory" "1 x 1M: rss / used" "1000 x 100: rss / used" "10000 x 100: rss / used"
for n in spinel redis; do
  per=()
  for spec in "$load:1000000" "$small:100000" "$small10k:1000000"; do
    file=${spec%%:*}; fields=${spec##*:}
    start_server "$n"
    redis-cli -p "${PORT[$n]}" --pipe < "$warm" >/dev/null
    sleep 1
    before=$(rss "${PID[$n]}"); used_before=$(used_memory "${PORT[$n]}")
    redis-cli -p "${PORT[$n]}" --pipe < "$file" >/dev/null
    sleep 2
    per+=("$(awk -v a="$(rss "${PID[$n]}")" -v b="$before" -v ua="$(used_memory "${PORT[$n]}")" -v ub="$used_before" -v f="$fields" \
      'BEGIN {printf "%.1f / %.1f", (a-b)/f, (ua-ub)/f}')")
  done
  printf '%-12s%24s%24s%24s\n' "$n" "${per[0]}" "${per[1]}" "${per[2]}"
done
rm -f "$small" "$small10k" "$warm"

# per_million TITLE: loads $load (1M elements) into a fresh Spinel and Redis; prints resident and used bytes per element.
per_million() {
  echo
  printf '%-12s%24s\n' "$1" "1 x 1M: rss / used"
  for n in spinel redis; do
    start_server "$n"
    sleep 1
    local before used_before
    before=$(rss "${PID[$n]}"); used_before=$(used_memory "${PORT[$n]}")
    redis-cli -p "${PORT[$n]}" --pipe < "$load" >/dev/null
    sleep 2
    printf '%-12s%24s\n' "$n" "$(awk -v a="$(rss "${PID[$n]}")" -v b="$before" -v ua="$(used_memory "${PORT[$n]}")" -v ub="$used_before" \
      'BEGIN {printf "%.1f / %.1f", (a-b)/1000000, (ua-ub)/1000000}')"
  done
}

# List memory: bytes per element of one list of 1M elements ("value12345"), pushed by pipelined RPUSH.
python3 - "$load" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(1_000_000):
        f.write(b"*3\r\n$5\r\nRPUSH\r\n$7\r\nbiglist\r\n$10\r\nvalue12345\r\n")
PY
per_million "list memory"

# Sorted set memory: bytes per member of one sorted set of 1M members ("member:<10 digits>"), added by
# pipelined ZADD in a scattered score order (i * 7919 mod 1000003), so inserts land all over the set.
python3 - "$load" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(1_000_000):
        m = b"member:%010d" % i
        s = b"%d" % (i * 7919 % 1_000_003)
        f.write(b"*4\r\n$4\r\nZADD\r\n$7\r\nbigzset\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(s), s, len(m), m))
PY
per_million "zset memory"

# Expiry: 1M keys with a 1 s TTL that nobody reads again must be reclaimed by the active cycle.
write_load "$load" ttl: PX 1000
echo
printf '%-12s%14s%16s%16s%16s\n' "expiry" "loaded MB" "keys after 1s" "seconds to 0" "MB after"
for n in spinel redis; do
  start_server "$n"
  sleep 1
  base=$(rss "${PID[$n]}")
  redis-cli -p "${PORT[$n]}" --pipe < "$load" >/dev/null
  start=$(date +%s.%N)
  loaded=$(( ($(rss "${PID[$n]}") - base) / 1048576 ))
  sleep 1
  left_at_1s=$(redis-cli -p "${PORT[$n]}" dbsize)
  while [ "$(redis-cli -p "${PORT[$n]}" dbsize)" != "0" ]; do
    sleep 0.1
    if awk -v s="$start" -v now="$(date +%s.%N)" 'BEGIN {exit !(now - s > 60)}'; then break; fi
  done
  took=$(awk -v s="$start" -v now="$(date +%s.%N)" 'BEGIN {printf "%.1f", now - s}')
  sleep 2
  after=$(( ($(rss "${PID[$n]}") - base) / 1048576 ))
  printf '%-12s%14d%16d%16s%16d\n' "$n" "$loaded" "$left_at_1s" "$took" "$after"
done
rm -f "$load"
