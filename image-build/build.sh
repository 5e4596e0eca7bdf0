#!/usr/bin/env bash
# Builds the box's flashable image from Debian packages and the published apps (docs/IMAGE.md):
#
#   image-build/build.sh --arch arm64|amd64 --out FILE.img [--meet DIR] [--work DIR]
#
# Partitions (MBR): 1 FAT32 "EDGEBOOT" (firmware, kernel, boot loader and the meet/ folder, editable from any laptop),
# 2 ext4 "edge-root" (the system, mounted read-only), 3 ext4 "edge-data" (the database; grown to fill the card on
# first boot). Every partition is written as a file (mkfs.ext4 -d, mkfs.vfat + mtools) and placed into the image:
# nothing is mounted, no loop device is used. Needs root (mmdebstrap's root mode) and Debian's archive.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

arch=""
out=""
meet=""
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --meet) meet="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$arch" in
  arm64) rid=linux-arm64; kernel=linux-image-arm64; efi=aa64; efiname=BOOTAA64.EFI ;;
  amd64) rid=linux-x64; kernel=linux-image-amd64; efi=x64; efiname=BOOTX64.EFI ;;
  *) echo "build.sh: --arch must be arm64 or amd64" >&2; exit 2 ;;
esac
[ -n "$out" ] || { echo "build.sh: --out FILE.img is required" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "build.sh: run as root (mmdebstrap builds the system as root)" >&2; exit 2; }
mirror="${EDGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

step() { printf '== %s (%ds)\n' "$1" "$SECONDS"; }

. "$repo/packages.sh"
need mmdebstrap mmdebstrap
need mkfs.ext4 e2fsprogs
need mkfs.vfat dosfstools
need mcopy mtools
need sfdisk fdisk
need xz xz-utils
need zstd zstd
# The sync agent is compiled to native code (Native AOT): clang links it against the target's C library.
need clang clang
need ld.lld lld
need llvm-objcopy llvm
if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
  # Package scripts of an arm64 system run through qemu's user-mode emulator.
  need_file /usr/bin/qemu-aarch64-static qemu-user-static
  need update-binfmts binfmt-support
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "build.sh: qemu-aarch64 is not registered with binfmt_misc" >&2; exit 1; }
fi

if [ -z "$work" ]; then
  work="$(mktemp -d /var/tmp/edge-image.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
root="$work/root"
rm -rf "$root" "$work/apps" "$work/boot"

step "publishing the appliance and the sync agent for $rid"
# Self-contained (no .NET on the image), precompiled (ReadyToRun: a Pi starts faster and keeps no JIT working set)
# as one composite image of the app and the framework, which also precompiles the generic code over the app's types
# that a per-assembly build leaves to the JIT: in the Pi envelope a start takes 2.1-2.6 s instead of 3.1-3.4 s, for
# 70 MB more on the system partition (docs/BENCHMARKS.md, ./bench pi-start).
dotnet publish "$repo/appliance/Edge.Appliance.csproj" -c Release -r "$rid" --self-contained \
  -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o "$work/apps/appliance" -nologo -v:q -clp:ErrorsOnly
# The agent is small and reflection-free: compiled ahead of time to one native executable, it starts in tens of
# milliseconds and idles in about a quarter of the memory of a .NET runtime (docs/SYNC.md). clang links it against
# the target's own C library and startup files: bookworm's libc6-dev and libgcc for $arch, unpacked (not installed)
# into a sysroot whose absolute symbolic links are made relative, so they resolve inside it.
sysroot="$work/sysroot"
rm -rf "$sysroot"
mmdebstrap --arch="$arch" --variant=extract --include=libc6-dev,libgcc-12-dev,zlib1g-dev bookworm "$sysroot" "$mirror" \
  >"$work/sysroot.log" 2>&1 || { tail -20 "$work/sysroot.log" >&2; exit 1; }
find "$sysroot" -type l -lname '/*' | while read -r link; do
  ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$(readlink "$link")")" "$link"
done
dotnet publish "$repo/sync-agent/Edge.SyncAgent.csproj" -c Release -r "$rid" -p:PublishAot=true -p:PublishReadyToRun=false \
  -p:SysRoot="$sysroot" -p:LinkerFlavor=lld -o "$work/apps/sync-agent" -nologo -v:q -clp:ErrorsOnly
# Debug symbols and API docs stay off the card.
rm -f "$work/apps/sync-agent/"*.dbg "$work/apps/sync-agent/"*.pdb "$work/apps/sync-agent/"*.xml

step "building the $arch system from Debian packages"
packages=(
  systemd systemd-sysv systemd-resolved udev kmod dbus
  "$kernel" systemd-boot-efi
  hostapd dnsmasq-base wpasupplicant iproute2 nftables
  chrony fake-hwclock gpsd
  openssh-server vsftpd libpam-pwdfile
  e2fsprogs fdisk netbase
  libmosquitto1 libicu72 ca-certificates tzdata
)
if [ "$arch" = arm64 ]; then
  # Debian's own kernel boots the Pi 3/4 family from the FAT partition through Raspberry Pi's firmware; the
  # onboard radio needs Broadcom's firmware (non-free-firmware).
  packages+=(raspi-firmware firmware-brcm80211 wireless-regdb)
fi
hooks=()
if [ "$arch" = arm64 ]; then
  # raspi-firmware writes cmdline.txt from this file when the kernel is installed.
  hooks+=(--essential-hook='mkdir -p "$1/etc/default" && printf "ROOTPART=LABEL=edge-root\nCONSOLES=\"serial0,115200 tty1\"\n" > "$1/etc/default/raspi-firmware"')
  # The initrd carries the drivers to find the root on an SD card, a USB disk or a virtio disk, not every module:
  # "most" runs for an hour through the emulator (each module's tools are emulated processes) and is 4x bigger.
  hooks+=(--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" && echo MODULES=list > "$1/etc/initramfs-tools/conf.d/edge.conf" && printf "%s\n" sdhci-iproc mmc_block pcie-brcmstb xhci-pci xhci-plat-hcd usb-storage uas nvme virtio_blk virtio_pci virtio_mmio ext4 crc32c_generic > "$1/etc/initramfs-tools/modules"')
fi
# force-confold: the defaults written by the hooks above are kept when their package installs its own.
mmdebstrap --arch="$arch" --variant=apt --components=main,non-free-firmware "${hooks[@]}" \
  --dpkgopt=force-confold --dpkgopt=force-confdef \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --include="$(IFS=,; echo "${packages[*]}")" \
  bookworm "$root" "$mirror" >"$work/mmdebstrap.log" 2>&1 || { tail -40 "$work/mmdebstrap.log" >&2; exit 1; }

step "installing the apps and the box's configuration"
mkdir -p "$root/opt/edge"
cp -a "$work/apps/appliance" "$work/apps/sync-agent" "$root/opt/edge/"
cp -a "$here/files/." "$root/"
# Every mount point fstab names must exist on the read-only root (git keeps no empty folders, so they are made here):
# a missing one fails local-fs.target and the box stops in emergency mode.
awk '!/^[[:space:]]*#/ && NF >= 2 { print $2 }' "$root/etc/fstab" | while read -r point; do mkdir -p "$root$point"; done
ln -sf /run/systemd/resolve/resolv.conf "$root/etc/resolv.conf"
# No host keys baked into the image (every box would share them): edge-box-config makes them on the data partition.
rm -f "$root"/etc/ssh/ssh_host_*
# systemd makes a machine id for each boot in memory when /etc/machine-id is empty and the root read-only.
: > "$root/etc/machine-id"
systemd-sysusers --root="$root" >/dev/null
systemctl --root="$root" enable systemd-networkd.service systemd-resolved.service chrony.service \
  edge-box-config.service edge-grow-data.service edge-appliance.service edge-sync-agent.service \
  edge-hostapd.service edge-dnsmasq@wlan0.service edge-dnsmasq@eth0.service edge-uplink-wifi.service \
  edge-poweroff.path edge-ftp.service >/dev/null 2>&1
# Nothing listens that is not needed: SSH only by edge-box-config, gpsd only when a receiver is plugged in.
systemctl --root="$root" disable ssh.service ssh.socket gpsd.socket gpsd.service apt-daily.timer apt-daily-upgrade.timer \
  e2scrub_all.timer fstrim.timer >/dev/null 2>&1 || true
systemctl --root="$root" mask ssh.service systemd-timesyncd.service hostapd.service wpa_supplicant.service vsftpd.service \
  systemd-networkd-wait-online.service >/dev/null 2>&1
# No package manager runs on a box: its lists and caches are dead weight.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/*

kver="$(basename "$(ls -d "$root"/usr/lib/modules/* | head -n 1)")"
step "compressing kernel modules ($kver)"
# Modules are half the system's size; kmod loads xz-compressed ones. Drivers a results box never uses go.
modules="$root/usr/lib/modules/$kver/kernel"
rm -rf "$modules"/drivers/gpu/drm/{amd,nouveau,radeon,i915,xe} "$modules"/drivers/infiniband "$modules"/drivers/media \
  "$modules"/sound "$modules"/drivers/net/ethernet/{mellanox,chelsio,qlogic,broadcom/bnx2x} "$modules"/drivers/scsi/{lpfc,qla2xxx,qla4xxx,bfa,be2iscsi,mpt3sas,megaraid} \
  "$modules"/fs/{ocfs2,gfs2,xfs,btrfs,ceph,nfs,nfsd,smb,cifs,jfs,nilfs2,f2fs,reiserfs} "$modules"/lib/test_*.ko "$modules"/drivers/isdn
find "$modules" -name '*.ko' -print0 | xargs -0 -P "$(nproc)" -n 32 xz --check=crc32 -T1 -q
# The system's own depmod (through qemu-user on a foreign architecture).
chroot "$root" /usr/sbin/depmod "$kver"

step "making the boot partition"
boot="$work/boot"
mkdir -p "$boot/EFI/BOOT" "$boot/loader/entries" "$boot/meet"
cp "$root/usr/lib/systemd/boot/efi/systemd-boot$efi.efi" "$boot/EFI/BOOT/$efiname"
printf 'default edge.conf\ntimeout 0\neditor no\n' > "$boot/loader/loader.conf"
if [ "$arch" = amd64 ]; then
  cp "$root/boot/vmlinuz-$kver" "$boot/vmlinuz"
  console="console=tty0 console=ttyS0,115200"
else
  # The Pi's firmware files, its config.txt and cmdline.txt, kernel, initrd and device trees, as raspi-firmware put them.
  cp -a "$root/boot/firmware/." "$boot/"
  # raspi-firmware keeps its own copy to install from when a kernel is upgraded: a box is reflashed, never upgraded.
  rm -rf "${root:?}/boot/firmware/"* "$root/usr/lib/raspi-firmware"
  # The EFI stub boots an uncompressed Image (qemu's virt machine and other UEFI arm64 boards); Debian's arm64
  # vmlinuz is one already in some kernel builds and gzipped in others: look at its first bytes.
  if [ "$(head -c 2 "$root/boot/vmlinuz-$kver" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
    zcat "$root/boot/vmlinuz-$kver" > "$boot/vmlinuz"
  else
    cp "$root/boot/vmlinuz-$kver" "$boot/vmlinuz"
  fi
  console="console=ttyAMA0,115200 console=tty1"
fi
cp "$root/boot/initrd.img-$kver" "$boot/initrd.img"
printf 'title edge\nlinux /vmlinuz\ninitrd /initrd.img\noptions root=LABEL=edge-root ro rootwait fsck.repair=yes net.ifnames=0 %s\n' "$console" \
  > "$boot/loader/entries/edge.conf"
cat > "$boot/meet/README.txt" <<'TXT'
This folder is the box's meet folder: meet.json and participants.csv (see the edge README).
Write it with `edge-provision write DIR --boot THIS-CARD` or copy the files here from any laptop.
The box reads it at start and when it changes; a mistake is shown on the console and the box keeps its last good meet.
TXT
if [ -n "$meet" ]; then
  cp -a "$meet/." "$boot/meet/"
fi
# The FAT partition holds what boots plus room for the meet folder (a 40,000-runner participants.csv is ~3 MB) and
# its edits from a laptop: what is on it + 64 MiB, at least 128 MiB.
boot_mib=$(( ($(du -sm --apparent-size "$boot" | cut -f1) + 64 + 15) / 16 * 16 ))
[ "$boot_mib" -ge 128 ] || boot_mib=128
rm -f "$work/boot.img"
mkfs.vfat -F 32 -n EDGEBOOT -C "$work/boot.img" $((boot_mib * 1024)) >/dev/null
mcopy -s -i "$work/boot.img" "$boot"/* ::/

step "making the system and data partitions"
rm -rf "$root/boot/"vmlinuz* "$root/boot/"initrd* "$root/boot/System.map"* "$root/boot/config-"*
# The system is written once, here, and mounted read-only: it gets the inodes its files need (not one per 16 KiB),
# no reserved blocks and a small journal, and only a little room past its content (grown when mkfs says it is short),
# so the image carries no empty space it will never use.
inodes=$(( $(find "$root" | wc -l) + 4096 ))
root_mib=$(( $(du -sm "$root" | cut -f1) * 103 / 100 + 24 ))
data_mib=64
rm -f "$work/root.img" "$work/data.img"
until mkfs.ext4 -q -L edge-root -d "$root" -E root_owner=0:0 -N "$inodes" -m 0 -J size=16 "$work/root.img" "${root_mib}M" \
    2>"$work/mkfs-root.log"; do
  [ "$root_mib" -lt 8192 ] || { cat "$work/mkfs-root.log" >&2; exit 1; }
  root_mib=$((root_mib + 32)); rm -f "$work/root.img"
done
e2fsck -fn "$work/root.img" >/dev/null 2>&1 || { echo "build.sh: the system partition does not check clean" >&2; exit 1; }
mkfs.ext4 -q -L edge-data -m 1 "$work/data.img" "${data_mib}M"

step "assembling $out"
total_mib=$((1 + boot_mib + root_mib + data_mib))
rm -f "$out"
truncate -s "${total_mib}M" "$out"
sfdisk -q "$out" <<EOF
label: dos
start=1MiB, size=${boot_mib}MiB, type=c, bootable
size=${root_mib}MiB, type=83
size=${data_mib}MiB, type=83
EOF
dd if="$work/boot.img" of="$out" bs=1M seek=1 conv=notrunc,sparse status=none
dd if="$work/root.img" of="$out" bs=1M seek=$((1 + boot_mib)) conv=notrunc,sparse status=none
dd if="$work/data.img" of="$out" bs=1M seek=$((1 + boot_mib + root_mib)) conv=notrunc,sparse status=none
step "done: $out, $total_mib MiB ($arch, kernel $kver)"
