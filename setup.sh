#!/usr/bin/env bash
# One entry point for the README's two commands:
#   ./setup.sh run    install what is missing, build, and run the main job (the default lab)
#   ./setup.sh test   install what is missing, build (warnings are errors), run every test,
#                     then the unit tests again under ASan+UBSan (in the clang fuzzing build when
#                     clang is there) and a short fuzzing pass
# Needs root on a fresh Debian 12 only to install packages.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-}
jobs=$(nproc 2>/dev/null || echo 2)

# dnsmasq-base is the binary without the system service, so nothing starts answering DNS on the host.
packages=(build-essential cmake pkg-config python3 iproute2 iputils-ping nftables ethtool procps
  bind9 bind9-dnsutils unbound tshark dnsmasq-base python3-jsonschema python3-junitparser
  libpcap-dev libtins-dev libssl-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  libgtest-dev clang libclang-rt-14-dev chromium fonts-noto-cjk libcap2-bin pdns-recursor knot knot-resolver udhcpc dnsdist
  kea-dhcp6-server radvd isc-dhcp-client conntrack)

install_missing() {
  local missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: installing packages needs root (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether to install setuid; answer before it asks.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {  # build DIR [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDNSPATH_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

run_main_job() {
  build build
  # The lab builds the default profile's path from network namespaces (root), runs every probe
  # kind through it and tears it down; the result stays in runs/latest.
  local rc=0
  build/probe/cli/dnspath lab run --out runs/latest || rc=$?
  echo "main job: dnspath lab run on the built-in profiles/default.toml; result in runs/latest/result.json (exit $rc)"
  exit "$rc"
}

run_tests() {
  build build
  (cd build && ctest --output-on-failure -j "$jobs" --timeout 300)
  # The unit tests again under ASan+UBSan, then a short libFuzzer pass over each parser (longer
  # runs: see docs/fuzzing.md). With clang both use one build: the fuzzing build is ASan+UBSan
  # throughout, so a second sanitizer build would only compile the same code again.
  if command -v clang++ >/dev/null; then
    build build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DDNSPATH_FUZZ=ON -DDNSPATH_WERROR=OFF \
      -DDNSPATH_SANITIZERS="address;undefined" -DBUILD_TESTING=ON >/dev/null
    (cd build-fuzz && ctest --output-on-failure -j "$jobs" -L unit --timeout 300)
    for target in message packet profile capture_file result echo pcapng dnssec request; do
      mkdir -p "build-fuzz/corpus-$target"
      # A crash fails the run: the log's tail says which input, saved beside it as crash-*.
      local log status=0
      log=$("build-fuzz/tests/fuzz_$target" -max_total_time="${DNSPATH_FUZZ_SECONDS:-20}" \
        -artifact_prefix="build-fuzz/" "build-fuzz/corpus-$target" "tests/fuzz/corpus/$target" 2>&1) || status=$?
      echo "fuzz_$target: $(tail -1 <<<"$log")"
      [ "$status" -eq 0 ] || { tail -30 <<<"$log"; echo "setup: fuzz_$target crashed" >&2; return 1; }
    done
  else
    build build-asan -DDNSPATH_SANITIZERS="address;undefined"
    (cd build-asan && ctest --output-on-failure -j "$jobs" -L unit --timeout 300)
  fi
}

case "$mode" in
  run) install_missing; run_main_job ;;
  test) install_missing; run_tests ;;
  *) echo "usage: ./setup.sh run | test" >&2; exit 2 ;;
esac
