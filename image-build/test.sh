#!/usr/bin/env bash
# The image test: builds the amd64 image, then boots it in qemu with a meet folder written by edge-provision,
# streams a race into it, cuts its power mid-stream and checks every stored read survived (tests/Edge.Image.Tests).
#
#   image-build/test.sh [--image FILE.img]      (an image built earlier skips the build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
image=""
while [ $# -gt 0 ]; do
  case "$1" in
    --image) image="$2"; shift 2 ;;
    *) echo "test.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
. "$repo/packages.sh"
need qemu-system-x86_64 qemu-system-x86
need_file /usr/share/ovmf/OVMF.fd ovmf
need ssh openssh-client
if [ -z "$image" ]; then
  image="$(mktemp -d /var/tmp/edge-image-test.XXXXXX)/edge-amd64.img"
  trap 'rm -rf "$(dirname "$image")"' EXIT
  start=$SECONDS
  "$here/build.sh" --arch amd64 --out "$image"
  echo "image built in $((SECONDS - start)) s: $(du -h --apparent-size "$image" | cut -f1) raw"
fi
EDGE_IMAGE="$image" dotnet test "$repo/tests/Edge.Image.Tests" -c Release -nologo --logger "console;verbosity=normal"
