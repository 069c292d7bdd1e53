#!/usr/bin/env bash
# Removes the pressgate systemd service: stops and disables it and removes the unit.
# Keeps /etc/pressgate (config, secrets), /var/lib/pressgate (tokens, outbox) and the user,
# so a reinstall picks up where it left off, unless --purge.
# With --prefix DIR only files under DIR are removed: no systemctl or userdel touches this machine.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: sudo scripts/uninstall-service.sh [--dry-run] [--prefix DIR] [--purge]

  --dry-run     print every action, change nothing
  --prefix DIR  remove the files under DIR instead of / (testing); no root needed.
                Nothing outside DIR changes: no systemctl, no userdel.
  --purge       also delete /etc/pressgate, /var/lib/pressgate (the Alexa tokens: the skill must
                be linked again) and the pressgate user
  -h, --help    this help
USAGE
}

SERVICE_USER=pressgate

dry_run=0
prefix=''
purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --purge) purge=1 ;;
    --prefix)
      [ $# -ge 2 ] || { echo "uninstall-service.sh: --prefix needs a directory" >&2; exit 2; }
      prefix="${2%/}"
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) echo "uninstall-service.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if [ "$dry_run" -eq 0 ] && [ -z "$prefix" ] && [ "$(id -u)" -ne 0 ]; then
  echo "uninstall-service.sh: must run as root: sudo $0 $*" >&2
  exit 1
fi
if [ -n "$prefix" ] && [ ! -d "$prefix" ]; then
  echo "uninstall-service.sh: --prefix $prefix is not a directory" >&2
  exit 2
fi

unit_path="$prefix/etc/systemd/system/pressgate.service"
etc_dir="$prefix/etc/pressgate"
state_dir="$prefix/var/lib/pressgate"

act() {
  local shown
  shown="$(printf '%q ' "$@")"
  if [ "$dry_run" -eq 1 ]; then
    echo "would run: ${shown% }"
  else
    echo "+ ${shown% }"
    "$@"
  fi
}

# Stopping a unit that is not loaded fails: that is fine, it is what we want anyway.
if [ -z "$prefix" ]; then
  act systemctl stop pressgate.service || echo "ok: pressgate was not running"
  act systemctl disable pressgate.service || echo "ok: pressgate was not enabled"
else
  echo "skip: systemctl stop and disable (--prefix: this machine is not changed)"
fi
if [ -e "$unit_path" ] || [ "$dry_run" -eq 1 ]; then
  act rm -f "$unit_path"
else
  echo "ok: $unit_path already gone"
fi
if [ -z "$prefix" ]; then
  act systemctl daemon-reload
else
  echo "skip: systemctl daemon-reload (--prefix)"
fi

if [ "$purge" -eq 1 ]; then
  act rm -rf "$etc_dir" "$state_dir"
  if [ -n "$prefix" ]; then
    echo "skip: userdel $SERVICE_USER (--prefix)"
  elif id -u "$SERVICE_USER" >/dev/null 2>&1; then
    act userdel "$SERVICE_USER"
  else
    echo "ok: user $SERVICE_USER does not exist"
  fi
  if [ "$dry_run" -eq 1 ]; then
    echo "Dry run: nothing was removed. Without --dry-run this deletes the config, the secrets and the Alexa tokens."
  else
    echo "Purged. The Alexa link is gone from this machine: disable and re-enable the skill after a reinstall."
  fi
elif [ "$dry_run" -eq 1 ]; then
  echo "Dry run: nothing was removed. $etc_dir, $state_dir and user $SERVICE_USER would be kept; --purge removes them."
else
  echo "Kept $etc_dir (config, secrets), $state_dir (tokens, outbox) and user $SERVICE_USER; --purge removes them."
fi
