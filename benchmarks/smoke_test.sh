#!/bin/bash
# Runs every benchmark binary once over its smallest cases with a tiny
# minimum time: proves they start, talk to their peer processes, finish
# and clean up. No figure is judged here.
set -euo pipefail

out="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

# run NAME FILTER: runs benchmarks/NAME, then checks its JSON for failed
# benchmarks and /dev/shm and the lock directory for objects it left.
run() {
  local name="$1" filter="$2" json="${out}/$1.json"
  benchmarks/"${name}" --benchmark_min_time=0.01 \
    --benchmark_filter="${filter}" --benchmark_out="${json}" \
    --benchmark_out_format=json >"${out}/${name}.log" 2>&1 &
  local pid=$!
  local status=0
  wait "${pid}" || status=$?
  if [[ ${status} -ne 0 ]]; then
    echo "FAIL ${name}: exit status ${status}"
    cat "${out}/${name}.log"
    failures=$((failures + 1))
    return
  fi
  if ! grep -q '"name"' "${json}"; then
    echo "FAIL ${name}: no benchmark matched ${filter}"
    failures=$((failures + 1))
    return
  fi
  if grep -q '"error_occurred": true' "${json}"; then
    echo "FAIL ${name}:"
    grep '"error_message"' "${json}"
    failures=$((failures + 1))
    return
  fi
  # Every name a benchmark process creates carries its PID.
  local left
  left="$(ls /dev/shm /tmp/zerobuffer 2>/dev/null | grep "zbbench-${pid}-" || true)"
  if [[ -n "${left}" ]]; then
    echo "FAIL ${name}: left behind: ${left}"
    failures=$((failures + 1))
    return
  fi
  echo "PASS ${name}"
}

run roundtrip_latency \
  'BM_(Memcpy|SemaphorePingPong|SpinPingPong)Floor|BM_RoundTrip/bytes:1024/'
run throughput 'BM_MemcpyFloor/bytes:1024$|BM_OneWay/bytes:1024/'
run primitives '.'
run wrap_around 'bytes:1024/'
run reader_cpu 'rate:0/'
run buffer_utilization 'writer_fps:2000'
run serve_latency '.'

passed=$((7 - failures))
echo "${passed} passed, ${failures} failed"
[[ ${failures} -eq 0 ]]
