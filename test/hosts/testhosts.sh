#!/usr/bin/env bash
# testhosts.sh — N real OpenSSH hosts on this machine for the multi-machine tests of tsmpi (issue 7).
#
#   testhosts.sh up N [netns|loopback|auto] DIR   create hosts th1..thN, wait until each accepts a real login
#                                                 (auto: netns if this machine allows it, else loopback)
#   testhosts.sh down [DIR]                   kill every process of the hosts and remove all they created
#
# netns (preferred): host i is network namespace th<i> with its own hostname th<i> (UTS namespace) and the
#   address 10.210.0.(10+i), port 22, on the bridge thbr0 = 10.210.0.1/24. Hosts reach each other over TCP.
# loopback: host i is an sshd on 127.0.0.(1+i):2222 with its own hostname th<i> (UTS namespace).
# Either way each session gets TESTHOST=th<i> and TESTHOSTS_DIR=DIR (sshd SetEnv), so leftovers are found.
# Where UTS namespaces are not allowed, the hosts keep this machine's hostname (hosts.json: ownHostnames).
# The hosts share this machine's filesystem: sessions see the same checkout path. Logins are root's.
#
# DIR receives: userkey(.pub) (the client key), th<i>/hostkey(.pub), hostfile ("th<i> slots=2"), known_hosts
# (names and addresses of every host), ssh_config (for `ssh -F DIR/ssh_config th1`), hosts.json
# ({mode, ownHostnames, hosts: [{name, address, port, hostKey, pidFile}]}), th<i>/sshd.log. Names th<i> resolve through /etc/hosts lines ending
# "# testhosts" (removed by down).
#
# One set of hosts exists at a time: /run/tsmpi-testhosts records the owner (DIR and the caller's pid). An up
# for another DIR waits (TESTHOSTS_WAIT seconds, default 120) until the owner runs down or its pid is gone
# (then its leftovers are removed). An up for the same DIR starts again from scratch. Every exit path of up
# that did not finish removes what it made. Slots per host: TESTHOSTS_SLOTS (default 2).
# Needs root, openssh-server, openssh-client, iproute2, util-linux (unshare, flock) and procps.
set -euo pipefail

STATE_DIR=/run/tsmpi-testhosts
BRIDGE=thbr0
NET=10.210.0
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

log() { echo "testhosts: $*" >&2; }
die() { log "$*"; exit 1; }

address_of() { if [ "$MODE" = netns ]; then echo "$NET.$((10 + $1))"; else echo "127.0.0.$((1 + $1))"; fi; }
port_of() { if [ "$MODE" = netns ]; then echo 22; else echo 2222; fi; }

# ---- finding and killing processes ---------------------------------------------------------------------
descendants_of() { # every descendant pid of $1
  local children
  children=$(ps -e -o pid=,ppid= | awk -v p="$1" '$2 == p { print $1 }')
  for c in $children; do echo "$c"; descendants_of "$c"; done
}

is_running() { # alive and not a zombie waiting for its parent
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

kill_all() { # TERM the given pids, wait up to 2 s for them to go, then KILL
  local pids="$*" alive deadline
  [ -n "${pids// /}" ] || return 0
  kill -TERM $pids 2>/dev/null || true
  deadline=$((SECONDS + 2))
  while :; do
    alive=""
    for p in $pids; do is_running "$p" && alive="$alive $p"; done
    [ -z "$alive" ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.05
  done
  kill -KILL $alive 2>/dev/null || true
}

job_pids() { # the sshd listeners of DIR, their descendants, everything in the namespaces, every session
  local dir=$1 n=$2 pid
  for i in $(seq 1 "$n"); do
    if [ -s "$dir/th$i/sshd.pid" ]; then
      pid=$(cat "$dir/th$i/sshd.pid")
      echo "$pid"
      descendants_of "$pid"
    fi
    ip netns pids "th$i" 2>/dev/null || true
  done
  grep -lzxF "TESTHOSTS_DIR=$dir" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}

remove_hosts_lines() {
  if grep -q ' # testhosts$' /etc/hosts 2>/dev/null; then
    local kept
    kept=$(grep -v ' # testhosts$' /etc/hosts || true)
    printf '%s\n' "$kept" >/etc/hosts # rewrite in place: /etc/hosts is often a bind mount
  fi
}

# Removes everything the hosts of DIR made (safe to run when nothing or only part exists).
# $3 = keep-network: only kill DIR's processes (the namespaces belong to another, live owner).
teardown() {
  local dir=$1 n=${2:-0} pids
  pids=$(job_pids "$dir" "$n" | sort -u | grep -vx "$$" || true)
  kill_all $pids
  for i in $(seq 1 "$n"); do rm -f "$dir/th$i/sshd.pid"; done
  [ "${3:-}" = keep-network ] && return 0
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^th[0-9]+$' || true); do
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^vth[0-9]+$' || true); do
    ip link del "$link" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  remove_hosts_lines
}

# ---- ownership: one set of hosts at a time -------------------------------------------------------------
with_lock() { mkdir -p "$STATE_DIR"; exec 9>"$STATE_DIR/lock"; flock -w 60 9 || die "could not lock $STATE_DIR/lock"; }
unlock() { flock -u 9; exec 9>&-; }

owner_is_live() { # the recorded owner is another DIR whose pid still runs
  [ -s "$STATE_DIR/owner" ] || return 1
  local odir opid
  read -r odir opid <"$STATE_DIR/owner"
  [ "$odir" != "$DIR" ] && kill -0 "$opid" 2>/dev/null
}

teardown_recorded() { # leftovers of the recorded owner (or of a crash), then forget it
  local odir="" on=0 omode
  if [ -s "$STATE_DIR/state" ]; then read -r odir on omode <"$STATE_DIR/state"; fi
  teardown "${odir:-/nonexistent}" "$on"
  rm -f "$STATE_DIR/owner" "$STATE_DIR/state"
}

claim_hosts() {
  local deadline=$((SECONDS + ${TESTHOSTS_WAIT:-120}))
  while :; do
    with_lock
    if ! owner_is_live; then
      teardown_recorded
      echo "$DIR ${TESTHOSTS_OWNER_PID:-$PPID}" >"$STATE_DIR/owner"
      echo "$DIR $N $MODE" >"$STATE_DIR/state"
      unlock
      return 0
    fi
    local owner
    owner=$(cat "$STATE_DIR/owner")
    unlock
    [ "$SECONDS" -lt "$deadline" ] || die "test hosts are in use by '$owner' (DIR pid); run: $0 down ${owner% *}"
    sleep 0.2 # waiting for the other owner's down
  done
}

# ---- up ------------------------------------------------------------------------------------------------
make_network() { # returns non-zero (does not exit) when namespaces or bridges are not allowed here
  ip link add "$BRIDGE" type bridge || return 1
  ip addr add "$NET.1/24" dev "$BRIDGE" || return 1
  ip link set "$BRIDGE" up || return 1
  for i in $(seq 1 "$N"); do
    ip netns add "th$i" || return 1
    ip link add "vth$i" type veth peer name eth0 netns "th$i" || return 1
    ip link set "vth$i" master "$BRIDGE" up || return 1
    ip -n "th$i" addr add "$(address_of "$i")/24" dev eth0 || return 1
    ip -n "th$i" link set lo up || return 1
    ip -n "th$i" link set eth0 up || return 1
  done
}

check_route() { # never use an address whose route leaves this machine's test network
  local addr=$1 want
  if [ "$MODE" = netns ]; then want="dev $BRIDGE"; else want="dev lo"; fi
  ip route get "$addr" | grep -q "$want" || die "route to $addr is not on $want: $(ip route get "$addr" | head -1)"
}

write_host_files() { # $1 = i: host key and sshd config of host th<i>
  local i=$1 h="$DIR/th$1"
  mkdir -p "$h" && rm -f "$h/hostkey" "$h/hostkey.pub"
  ssh-keygen -q -t ed25519 -N '' -C "th$i" -f "$h/hostkey" >/dev/null
  chmod 600 "$h/hostkey"
  cat >"$h/sshd_config" <<EOF
ListenAddress $(address_of "$i"):$(port_of)
HostKey $h/hostkey
PidFile $h/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
MaxSessions 64
MaxStartups 100
PrintMotd no
LogLevel INFO
SetEnv TESTHOST=th$i TESTHOSTS_DIR=$DIR
EOF
}

start_sshd() { # $1 = i; sshd daemonizes and writes its PidFile once it listens
  local i=$1 h="$DIR/th$1" run uts=(unshare --uts)
  run="echo th$i >/proc/sys/kernel/hostname && exec $SSHD -f $h/sshd_config -E $h/sshd.log"
  if [ "$OWN_HOSTNAMES" = false ]; then uts=() run="exec $SSHD -f $h/sshd_config -E $h/sshd.log"; fi
  if [ "$MODE" = netns ]; then
    ip netns exec "th$i" "${uts[@]}" sh -c "$run" </dev/null >>"$h/sshd.log" 2>&1
  else
    "${uts[@]}" sh -c "$run" </dev/null >>"$h/sshd.log" 2>&1
  fi || die "sshd of th$i did not start: $(tail -3 "$h/sshd.log")"
}

write_client_files() {
  : >"$DIR/hostfile" && : >"$DIR/known_hosts" && : >"$DIR/ssh_config"
  local json="" addr port key
  for i in $(seq 1 "$N"); do
    addr=$(address_of "$i") port=$(port_of) key=$(cut -d' ' -f1,2 "$DIR/th$i/hostkey.pub")
    if [ "$MODE" = netns ]; then
      echo "th$i slots=${TESTHOSTS_SLOTS:-2}" >>"$DIR/hostfile"
      echo "th$i,$addr $key" >>"$DIR/known_hosts"
    else
      echo "th$i slots=${TESTHOSTS_SLOTS:-2} port=$port" >>"$DIR/hostfile"
      echo "[th$i]:$port,[$addr]:$port $key" >>"$DIR/known_hosts"
    fi
    printf 'Host th%s\n  HostName %s\n  Port %s\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 5\n' \
      "$i" "$addr" "$port" "$DIR/userkey" "$DIR/known_hosts" >>"$DIR/ssh_config"
    echo "$addr th$i # testhosts" >>/etc/hosts
    json="$json${json:+,}{\"name\":\"th$i\",\"address\":\"$addr\",\"port\":$port,\"hostKey\":\"$key\",\"pidFile\":\"$DIR/th$i/sshd.pid\"}"
  done
  echo "{\"mode\":\"$MODE\",\"ownHostnames\":$OWN_HOSTNAMES,\"dir\":\"$DIR\",\"hosts\":[$json]}" >"$DIR/hosts.json"
}

wait_for_login() { # $1 = i: a real login running a real command, retried for up to 30 s
  local deadline=$((SECONDS + 30)) out
  while :; do
    out=$(ssh -F "$DIR/ssh_config" "th$1" 'echo $TESTHOST' 2>&1 </dev/null) && [ "$out" = "th$1" ] && return 0
    [ -n "${TESTHOSTS_DEBUG:-}" ] && log "th$1 not yet: $out"
    [ "$SECONDS" -lt "$deadline" ] || { log "th$1 refuses logins: $out"; return 1; }
    sleep 0.1 # waiting for sshd to accept
  done
}

up() {
  [ "$(id -u)" = 0 ] || die "must run as root (network namespaces, sshd)"
  [[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 50 ] || die "N must be 1..50, got '$N'"
  [ "$MODE" = netns ] || [ "$MODE" = loopback ] || [ "$MODE" = auto ] || die "mode must be netns, loopback or auto, got '$MODE'"
  [ -x "$SSHD" ] || die "sshd not found: apt-get install openssh-server"
  claim_hosts
  trap 'status=$?; if [ "$status" != 0 ]; then log "up failed, cleaning up"; with_lock; teardown "$DIR" "$N"; rm -f "$STATE_DIR/owner" "$STATE_DIR/state"; fi' EXIT
  trap 'exit 130' INT TERM HUP
  mkdir -p /run/sshd && chmod 755 /run/sshd
  rm -f "$DIR/userkey" "$DIR/userkey.pub"
  ssh-keygen -q -t ed25519 -N '' -C tsmpi-testhosts -f "$DIR/userkey" >/dev/null
  cp "$DIR/userkey.pub" "$DIR/authorized_keys" && chmod 644 "$DIR/authorized_keys"
  if [ "$MODE" = auto ]; then
    MODE=netns # address_of follows MODE
    if ! make_network 2>"$DIR/netns.err"; then
      log "network namespaces unavailable ($(head -1 "$DIR/netns.err")); using loopback"
      teardown /nonexistent 0 && MODE=loopback
    fi
  elif [ "$MODE" = netns ]; then
    make_network || die "cannot create the network namespaces (try mode loopback)"
  fi
  OWN_HOSTNAMES=true
  if ! unshare --uts true 2>/dev/null; then
    OWN_HOSTNAMES=false
    log "unshare --uts not allowed: every host keeps this machine's hostname (TESTHOST tells them apart)"
  fi
  for i in $(seq 1 "$N"); do check_route "$(address_of "$i")"; write_host_files "$i"; done
  for i in $(seq 1 "$N"); do start_sshd "$i"; done
  write_client_files
  local pids=()
  for i in $(seq 1 "$N"); do wait_for_login "$i" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || die "a host did not accept a login (see $DIR/th*/sshd.log)"; done
  log "$N hosts up ($MODE) in $DIR"
}

down() {
  with_lock
  if [ -z "$DIR" ] && [ -s "$STATE_DIR/owner" ]; then read -r DIR _ <"$STATE_DIR/owner"; fi
  local odir="" on=0 omode
  if [ -s "$STATE_DIR/state" ]; then read -r odir on omode <"$STATE_DIR/state"; fi
  if [ -n "$odir" ] && [ "$odir" != "$DIR" ] && owner_is_live; then
    # Another DIR owns the hosts now: only this DIR's own leftovers go.
    teardown "$DIR" "$(ls -d "$DIR"/th[0-9]* 2>/dev/null | wc -l)" keep-network
  else
    teardown "${DIR:-/nonexistent}" "$on"
    rm -f "$STATE_DIR/owner" "$STATE_DIR/state"
  fi
  unlock
  log "down${DIR:+ ($DIR)}"
}

cmd=${1:-}
case "$cmd" in
  up)
    [ $# -ge 3 ] || die "usage: $0 up N [netns|loopback|auto] DIR"
    N=$2
    if [ $# -ge 4 ]; then MODE=$3 DIR=$4; else MODE=netns DIR=$3; fi
    mkdir -p "$DIR" && DIR=$(cd "$DIR" && pwd -P)
    up
    ;;
  down)
    DIR=""
    if [ $# -ge 2 ]; then DIR=$(cd "$2" 2>/dev/null && pwd -P || echo "$2"); fi
    down
    ;;
  *) die "usage: $0 up N [netns|loopback|auto] DIR | $0 down [DIR]" ;;
esac
