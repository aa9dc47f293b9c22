#!/usr/bin/env bash
# Starts (or stops) the Docker and Podman engines the tests use, on sockets of their own, and
# builds the test images. Usage: source .ci/engines.sh start | bash .ci/engines.sh stop
# After start, DOCKER_HOST and CONTAINER_HOST name the two sockets.
ENGINES_DIR=${ABACO_ENGINES_DIR:-/tmp/abaco-engines}

engines_install() {
  if command -v dockerd >/dev/null && command -v podman >/dev/null && [ -x /bin/busybox ] && command -v runc >/dev/null; then return 0; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc docker.io busybox-static >/dev/null
}

engines_configure() {
  # crun refuses this kernel's hybrid cgroup layout; root lacks CAP_SYS_RESOURCE for podman's default ulimits.
  local hard
  hard=$(ulimit -Hn)
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<CONF
[containers]
default_ulimits = ["nofile=${hard}:${hard}", "nproc=${hard}:${hard}"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
}

wait_for_socket() {
  for _ in $(seq 1 100); do [ -S "$1" ] && return 0; sleep 0.1; done
  echo "engine socket $1 did not appear" >&2
  return 1
}

engines_start() {
  engines_install || return 1
  engines_configure
  mkdir -p "$ENGINES_DIR"
  if ! { [ -f "$ENGINES_DIR/docker.pid" ] && kill -0 "$(cat "$ENGINES_DIR/docker.pid")" 2>/dev/null; }; then
    rm -f "$ENGINES_DIR/docker.sock"
    dockerd --host "unix://$ENGINES_DIR/docker.sock" --data-root "$ENGINES_DIR/docker-data" --exec-root "$ENGINES_DIR/docker-exec" \
      --pidfile "$ENGINES_DIR/docker.pid" --iptables=false --ip6tables=false --bridge=none >"$ENGINES_DIR/dockerd.log" 2>&1 &
  fi
  if ! { [ -f "$ENGINES_DIR/podman.pid" ] && kill -0 "$(cat "$ENGINES_DIR/podman.pid")" 2>/dev/null; }; then
    rm -f "$ENGINES_DIR/podman.sock"
    podman system service --time=0 "unix://$ENGINES_DIR/podman.sock" >"$ENGINES_DIR/podman.log" 2>&1 &
    echo $! > "$ENGINES_DIR/podman.pid"
  fi
  wait_for_socket "$ENGINES_DIR/docker.sock" || return 1
  wait_for_socket "$ENGINES_DIR/podman.sock" || return 1
  export DOCKER_HOST="unix://$ENGINES_DIR/docker.sock"
  export CONTAINER_HOST="unix://$ENGINES_DIR/podman.sock"
  for _ in $(seq 1 50); do docker -H "$DOCKER_HOST" info >/dev/null 2>&1 && break; sleep 0.2; done
  bash "$(dirname "${BASH_SOURCE[0]}")/../test/images/build.sh" || return 1
  bash "$(dirname "${BASH_SOURCE[0]}")/../packages/client/runner/build-image.sh"
}

engines_stop() {
  for name in docker podman; do
    if [ -f "$ENGINES_DIR/$name.pid" ]; then kill "$(cat "$ENGINES_DIR/$name.pid")" 2>/dev/null || true; fi
  done
}

case "${1:-}" in
  start) engines_start ;;
  stop) engines_stop ;;
esac
