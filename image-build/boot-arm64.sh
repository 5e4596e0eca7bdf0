#!/usr/bin/env bash
# Builds the arm64 (Raspberry Pi 4 family) image and boots it under qemu-system-aarch64 (the virt machine, UEFI,
# software emulation) until the box answers /healthz; prints the build time, the size and the boot time.
#
#   image-build/boot-arm64.sh [--image FILE.img] [--timeout SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
image=""
timeout=1800
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    *) echo "boot-arm64.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
. "$repo/packages.sh"
need qemu-system-aarch64 qemu-system-arm
need_file /usr/share/qemu-efi-aarch64/QEMU_EFI.fd qemu-efi-aarch64
work="$(mktemp -d /var/tmp/edge-arm64.XXXXXX)"
trap 'kill "$qemu" 2>/dev/null || true; rm -rf "$work"' EXIT
qemu=""
if [ -z "$image" ]; then
  image="$work/edge-arm64.img"
  start=$SECONDS
  "$here/build.sh" --arch arm64 --out "$image"
  echo "arm64 image built in $((SECONDS - start)) s"
fi
echo "raw $(du -m --apparent-size "$image" | cut -f1) MiB, xz $(xz -T0 -3 -c "$image" | wc -c | awk '{printf "%d", $1/1048576}') MiB"
cp --sparse=always "$image" "$work/boot.img"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$SECONDS
qemu-system-aarch64 -machine virt -cpu cortex-a72 -smp 2 -m 1024 -nodefaults -display none -no-reboot \
  -bios /usr/share/qemu-efi-aarch64/QEMU_EFI.fd -serial "file:$work/console.log" \
  -drive "file=$work/boot.img,format=raw,if=virtio" -device virtio-rng-device \
  -netdev "user,id=n0,net=10.43.0.0/24,host=10.43.0.2,dhcpstart=10.43.0.200,restrict=on,hostfwd=tcp:127.0.0.1:$port-10.43.0.1:80" \
  -device virtio-net-device,netdev=n0 &
qemu=$!
until curl -sf -m 5 "http://127.0.0.1:$port/healthz" >/dev/null; do
  if ! kill -0 "$qemu" 2>/dev/null || [ $((SECONDS - start)) -gt "$timeout" ]; then
    tail -60 "$work/console.log"; echo "boot-arm64.sh: no /healthz after $((SECONDS - start)) s" >&2; exit 1
  fi
  sleep 2
done
echo "arm64 boot to /healthz under emulation: $((SECONDS - start)) s"
# The appliance's own start (process start to storing reads and serving pages), as it reports it.
curl -sf -m 5 "http://127.0.0.1:$port/api/status" | python3 -c 'import json, sys
print("appliance start to accepting reads under emulation:", json.load(sys.stdin)["process"].get("startedInMs"), "ms")' || true
# The sync agent (native code for arm64) reports itself in the box's status: running, and its state (no cloud
# section in the image's default meet: "disabled").
sync=""
until [ "${sync#running }" != "$sync" ]; do
  if [ $((SECONDS - start)) -gt "$timeout" ]; then
    echo "boot-arm64.sh: the sync agent did not report itself running (last: ${sync:-no status})" >&2; exit 1
  fi
  sleep 2
  sync="$(curl -sf -m 5 "http://127.0.0.1:$port/api/status" | python3 -c 'import json, sys
s = json.load(sys.stdin).get("sync") or {}
print("running" if s.get("running") else "stopped", s.get("state"), ("(" + s["lastError"] + ")") if s.get("lastError") else "")' 2>/dev/null || true)"
done
echo "sync agent after $((SECONDS - start)) s: $sync"
