# Shared by the benchmark scripts: the tools they need, installed from Debian when missing (root)
# or named as missing; and the servers they compare against, started on loopback.

need() {  # need COMMAND PACKAGE: install PACKAGE when COMMAND is missing; a tool still missing is an error
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1; }
  fi
  command -v "$1" >/dev/null || { echo "benchmark: $1 is missing (apt-get install $2)" >&2; exit 2; }
}

start_knot() {  # start_knot DIR PORT WORKERS ZONEDIR: Knot 3 serving example.test from ZONEDIR
  local dir=$1 port=$2 workers=$3 zones=$4
  mkdir -p "$dir/db"
  cat > "$dir/knot.conf" <<CONF
server:
    rundir: "$dir"
    listen: 127.0.0.1@$port
    udp-workers: $workers
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$dir/db"
log:
  - target: stderr
    any: error
zone:
  - domain: example.test
    file: "$zones/example.test.unsigned"
    zonefile-sync: -1
    journal-content: none
CONF
  knotd -c "$dir/knot.conf" >"$dir/knot.log" 2>&1 &
  pids+=($!)
}

start_bind() {  # start_bind DIR PORT WORKERS ZONEDIR: BIND 9 (named) serving example.test
  local dir=$1 port=$2 workers=$3 zones=$4
  cat > "$dir/named.conf" <<CONF
options { directory "$zones"; pid-file "$dir/named.pid"; listen-on port $port { 127.0.0.1; };
          listen-on-v6 { none; }; recursion no; dnssec-validation no; };
zone "example.test" { type primary; file "example.test.unsigned"; };
CONF
  named -g -n "$workers" -c "$dir/named.conf" -u root >"$dir/named.log" 2>&1 &
  pids+=($!)
}

qps() {  # qps PORT QUERYFILE SECONDS [dnsperf options...]: dnsperf's queries per second
  local port=$1 file=$2 seconds=$3; shift 3
  dnsperf -s 127.0.0.1 -p "$port" -d "$file" -l "$seconds" "$@" 2>/dev/null | awk '/Queries per second/ {print $4}'
}

ratio() { python3 -c "import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print(f'{a / b:.2f}' if b else 'n/a')" "$1" "$2"; }
