#!/usr/bin/env bash
# Builds the test images from busybox-static (no registry is reachable here) and imports them into
# the Docker and Podman engines at $DOCKER_HOST and $CONTAINER_HOST (either may be unset).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{bin,etc,tmp,usr/bin}
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
gcc -static -O2 -o "$root/bin/send-result" "$here/send-result.c"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -cf "$work/rootfs.tar" .

# name  command (run by sh -c)
images=(
  "abaco-test/busybox|sh"
  "abaco-test/wc|echo \"Number of words is: \$(printf %s \"\$MSG\" | wc -w)\""
  "abaco-test/env|env | sort"
  "abaco-test/id|echo \"\$(id -u):\$(id -g)\""
  "abaco-test/sleep|echo started; sleep 60; echo never"
  "abaco-test/binary|cat /_abaco_binary_data > /tmp/data; wc -c < /tmp/data; sha256sum < /tmp/data"
  "abaco-test/results|printf first | send-result; printf second | send-result; echo sent"
  "abaco-test/memory|cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max"
  "abaco-test/true|true"
)
for entry in "${images[@]}"; do
  name=${entry%%|*}
  command=${entry#*|}
  cmd=$(printf '["sh", "-c", %s]' "$(printf '%s' "$command" | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/')")
  if [ -n "${DOCKER_HOST:-}" ]; then docker -H "$DOCKER_HOST" import --change "CMD $cmd" "$work/rootfs.tar" "$name:latest" >/dev/null; fi
  if [ -n "${CONTAINER_HOST:-}" ]; then podman --url "$CONTAINER_HOST" import --change "CMD $cmd" "$work/rootfs.tar" "$name:latest" >/dev/null; fi
done
echo "test images built: ${#images[@]}"
