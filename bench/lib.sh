# Sourced by every script under bench/: what each of them starts ends with it, and the script
# fails if something did not, because a receiver or server left behind shares the machine with
# every later measurement. `track PID` for each process started (a daemon's pid from its pid
# file too); `$work`, when set, is removed at the end.
pids=()
track() { pids+=("$1"); }

stop_all() {
  local status=$?
  if [ "${#pids[@]}" -gt 0 ]; then
    gone() {
      ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
    }
    kill "${pids[@]}" 2>/dev/null || true
    # Not `wait`: it would block for ever on a process that ignores SIGTERM, and a daemon
    # (nginx) is no child of the script anyway. Each has 5 s; a zombie has ended.
    local left=() p
    for _ in $(seq 50); do
      left=()
      for p in "${pids[@]}"; do
        gone "$p" || left+=("$p")
      done
      [ "${#left[@]}" -eq 0 ] && break
      sleep 0.1
    done
    if [ "${#left[@]}" -gt 0 ]; then
      echo "error: processes left running: ${left[*]}" >&2
      kill -9 "${left[@]}" 2>/dev/null || true
      for p in "${left[@]}"; do
        for _ in $(seq 50); do gone "$p" && break; sleep 0.02; done
      done
      status=1
    fi
  fi
  if [ -n "${work:-}" ]; then rm -rf "$work"; fi
  exit "$status"
}
trap stop_all EXIT
