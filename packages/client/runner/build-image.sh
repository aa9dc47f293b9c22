#!/usr/bin/env bash
# Builds the image abacosamples/node_func (the function runner of AbacoExecutor) from the host's Node
# binary and the libraries it loads, the runner of @abaco/core's assets and a static results sender,
# and imports it into the Docker and Podman engines at $DOCKER_HOST and $CONTAINER_HOST (either may
# be unset). No registry is needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
assets="$here/../../core/assets/samples"
name=${1:-abacosamples/node_func:latest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{etc,tmp,opt/abaco,usr/local/bin}
node=$(readlink -f "$(command -v node)")
cp "$node" "$root/usr/local/bin/node"
# The libraries the dynamic loader maps for Node (and the loader itself), at the same paths.
for lib in $(ldd "$node" | grep -oE '/[^ ]+'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
gcc -static -O2 -o "$root/usr/local/bin/abaco-send-results" "$here/send-results.c"
cp "$assets/node_func.cjs" "$root/opt/abaco/node_func.cjs"
printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -cf "$work/rootfs.tar" .

cmd='["/usr/local/bin/node", "/opt/abaco/node_func.cjs", "--sender", "/usr/local/bin/abaco-send-results"]'
if [ -n "${DOCKER_HOST:-}" ]; then docker -H "$DOCKER_HOST" import --change "CMD $cmd" --change "WORKDIR /tmp" "$work/rootfs.tar" "$name" >/dev/null; fi
if [ -n "${CONTAINER_HOST:-}" ]; then podman --url "$CONTAINER_HOST" import --change "CMD $cmd" --change "WORKDIR /tmp" "$work/rootfs.tar" "$name" >/dev/null; fi
echo "image built: $name ($(du -sh "$work/rootfs.tar" | cut -f1))"
