# Sourced by the scripts that run the standalone mock cloud (demo, module tests, cloud lane).
#
#   start_mock BIN DIR LOG [FLAG...]   starts BIN -dir DIR FLAG... in the background (stderr to LOG,
#                                      its summary on stdout to DIR.out), sets $mock to its PID,
#                                      waits until DIR/ready exists and sources DIR/env.sh.
start_mock() {
  local bin=$1 dir=$2 log=$3
  shift 3
  "$bin" -dir "$dir" "$@" >"$dir.out" 2>"$log" &
  mock=$!
  for _ in $(seq 1 100); do
    [ -f "$dir/ready" ] && break
    kill -0 "$mock" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  [ -f "$dir/ready" ] || { echo "the mock cloud did not start" >&2; exit 1; }
  # shellcheck disable=SC1090,SC1091
  source "$dir/env.sh"
}
