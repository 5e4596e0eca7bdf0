# Debian packages the tests and benchmarks use, installed when missing (CI runs as root).
# Sourced by test.sh and bench: `need_packages` returns non-zero when one could not be installed.

install_package() { # install_package <debian package>
  if [ "$(id -u)" -ne 0 ]; then
    echo "install the Debian package '$1' (needs root)" >&2
    return 1
  fi
  for attempt in 1 2 3; do
    if [ -z "${apt_updated:-}" ]; then
      apt-get update -qq >/dev/null && apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null && return 0
    echo "installing '$1' failed (attempt $attempt)" >&2
    apt_updated=
    sleep 5
  done
  return 1
}

need() { # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || install_package "$2"
}

need_file() { # need_file <path> <debian package>
  [ -e "$1" ] || install_package "$2"
}

need_postgres() { # a PostgreSQL server for the cloud's tests, which make their own clusters: no system cluster is made
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/edge-tests.conf
  fi
  install_package postgresql
}

need_packages() { # what the tests need (mosquitto broker and client library, TLS, Chromium, a QR decoder, FAT images)
  local failed=0
  need curl curl || failed=1
  need mosquitto mosquitto || failed=1
  need mosquitto_passwd mosquitto || failed=1
  need mosquitto_sub mosquitto-clients || failed=1 # docs/SYNC.md watches the broker with it
  need_file "/usr/lib/$(uname -m)-linux-gnu/libmosquitto.so.1" libmosquitto1 || failed=1
  need openssl openssl || failed=1
  need chromium chromium || failed=1
  need zbarimg zbar-tools || failed=1
  need_postgres || failed=1
  need nft nftables || failed=1 # the box's rendered firewall is checked by nft itself
  need dnsmasq dnsmasq-base || failed=1 # ... and its DHCP/DNS files by dnsmasq --test
  need mcopy mtools || failed=1 # edge-provision write --image; the tests read images back with mdir and mtype
  need mkfs.vfat dosfstools || failed=1 # the tests' disk images
  need sfdisk fdisk || failed=1 # their partition tables
  need vsftpd vsftpd || failed=1 # the FTP inbox's tests run the rendered vsftpd.conf in a real vsftpd, behind the rendered firewall
  need ip iproute2 || failed=1 # ... in network namespaces: the box, the timer's laptop, a phone
  need_file "/usr/lib/$(uname -m)-linux-gnu/security/pam_pwdfile.so" libpam-pwdfile || failed=1 # ... checking the rendered password file
  return $failed
}
