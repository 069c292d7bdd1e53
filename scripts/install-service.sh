#!/usr/bin/env bash
# Installs pressgate as a systemd service: the `pressgate` system user (in group dialout), the
# unit, /etc/pressgate/env (secrets, 0600), /etc/pressgate/pressgate.yaml (from the example) and
# the config's JSON schema beside it. Safe to run again: existing config and env files are never
# overwritten; the unit and the schema are refreshed.
# With --prefix DIR only files under DIR are written: no user, group, ownership or systemctl
# change touches this machine.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: sudo scripts/install-service.sh [--dry-run] [--prefix DIR] [--bin PATH]

  --dry-run     print every action, change nothing
  --prefix DIR  install the files under DIR instead of / (testing, packaging); no root needed.
                Nothing outside DIR changes: no useradd, usermod, chown or systemctl.
  --bin PATH    the pressgate executable for ExecStart (default: `command -v pressgate`); it
                must exist and be executable. A built CLI entry (packages/cli/dist/main.js) is
                run with this machine's node.
  -h, --help    this help
USAGE
}

SERVICE_USER=pressgate
SERVICE_GROUP=pressgate
SERIAL_GROUP=dialout
STATE_DIR=/var/lib/pressgate

dry_run=0
prefix=''
bin=''
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --prefix)
      [ $# -ge 2 ] || { echo "install-service.sh: --prefix needs a directory" >&2; exit 2; }
      prefix="${2%/}"
      shift
      ;;
    --bin)
      [ $# -ge 2 ] || { echo "install-service.sh: --bin needs a path" >&2; exit 2; }
      bin="$2"
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-service.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$script_dir")"
unit_source="$script_dir/systemd/pressgate.service"
example_config="$repo_dir/examples/pressgate.yaml"
schema_source="$repo_dir/packages/protocol/pressgate.schema.json"

etc_dir="$prefix/etc/pressgate"
unit_path="$prefix/etc/systemd/system/pressgate.service"
env_path="$etc_dir/env"
config_path="$etc_dir/pressgate.yaml"
schema_path="$etc_dir/pressgate.schema.json"
# Where the schema is once installed (no prefix): what the config's modeline names.
schema_target=/etc/pressgate/pressgate.schema.json

if [ "$dry_run" -eq 0 ] && [ -z "$prefix" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install-service.sh: must run as root to create a user and install a unit: sudo $0 $*" >&2
  exit 1
fi
[ -f "$unit_source" ] || { echo "install-service.sh: missing $unit_source (run it from a pressgate checkout)" >&2; exit 1; }
if [ -n "$prefix" ] && [ ! -d "$prefix" ]; then
  echo "install-service.sh: --prefix $prefix is not a directory" >&2
  exit 2
fi

if [ -z "$bin" ]; then
  bin="$(command -v pressgate || true)"
  if [ -z "$bin" ]; then
    echo "install-service.sh: no pressgate on PATH; pass --bin PATH (e.g. --bin $repo_dir/packages/cli/dist/main.js after pnpm build)" >&2
    exit 2
  fi
fi
case "$bin" in
  /*) ;;
  *) echo "install-service.sh: --bin must be an absolute path, got $bin" >&2; exit 2 ;;
esac
# What ExecStart runs: the executable itself, or node with a JavaScript entry (tsc does not
# keep the executable bit, so a built main.js is run through node).
case "$bin" in
  *.js | *.mjs)
    [ -f "$bin" ] && [ -r "$bin" ] || { echo "install-service.sh: --bin $bin does not exist or is not readable" >&2; exit 2; }
    node_bin="$(command -v node || true)"
    case "$node_bin" in
      /*) ;;
      *) echo "install-service.sh: --bin $bin needs node on PATH to run it" >&2; exit 2 ;;
    esac
    exec_start="$node_bin $bin"
    ;;
  *)
    [ -f "$bin" ] && [ -x "$bin" ] || { echo "install-service.sh: --bin $bin does not exist or is not executable" >&2; exit 2; }
    exec_start="$bin"
    ;;
esac

# Every change goes through `act`: printed always, executed unless --dry-run.
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

# write_file MODE PATH: content on stdin, written through a temp file and renamed into place.
write_file() {
  local mode="$1" path="$2" tmp
  if [ "$dry_run" -eq 1 ]; then
    cat >/dev/null
    echo "would write: $path (mode $mode)"
    return
  fi
  echo "+ write $path (mode $mode)"
  tmp="$(mktemp "$path.XXXXXX")"
  cat >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$path"
}

# 1. The service user: a system account without a login shell, in the serial group.
if [ -n "$prefix" ]; then
  echo "skip: user $SERVICE_USER and group $SERIAL_GROUP (--prefix install: this machine is not changed)"
elif id -u "$SERVICE_USER" >/dev/null 2>&1; then
  echo "ok: user $SERVICE_USER exists"
else
  act useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
    --shell /usr/sbin/nologin --comment "pressgate service" "$SERVICE_USER"
fi
if [ -n "$prefix" ]; then
  :
elif id -nG "$SERVICE_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$SERIAL_GROUP"; then
  echo "ok: $SERVICE_USER is in $SERIAL_GROUP"
else
  act usermod --append --groups "$SERIAL_GROUP" "$SERVICE_USER"
fi

# 2. The unit, with ExecStart pointing at this machine's pressgate.
act mkdir -p "$(dirname "$unit_path")"
act mkdir -p -m 0750 "$etc_dir"
sed "s|^ExecStart=[^ ]*pressgate |ExecStart=$exec_start |" "$unit_source" | write_file 0644 "$unit_path"
# The config's JSON schema, for editors' hover help and completion (refreshed like the unit).
if [ -f "$schema_source" ]; then
  write_file 0644 "$schema_path" <"$schema_source"
else
  echo "note: no schema at $schema_source; the installed config's \$schema line is left out"
fi

# 3. The secrets file, only when absent: never overwrite what the user filled in.
if [ -e "$env_path" ]; then
  echo "ok: $env_path exists, left as it is"
else
  (umask 077 && write_file 0600 "$env_path") <<'ENV'
# pressgate secrets, read by systemd (as root) before starting the service. Keep mode 0600.
# The skill's "Alexa Client Id" and "Alexa Client Secret" (developer console: Build > Permissions).
PRESSGATE_CLIENT_ID=
PRESSGATE_CLIENT_SECRET=
# Shared with the skill's Lambda forwarder (its PRESSGATE_DIRECTIVE_SECRET): openssl rand -hex 32
PRESSGATE_DIRECTIVE_SECRET=
ENV
fi

# 4. The config, only when absent, from the example, with the data dir the unit provides.
if [ -e "$config_path" ]; then
  echo "ok: $config_path exists, left as it is"
elif [ -f "$example_config" ]; then
  if [ -f "$schema_source" ]; then
    modeline="s|^(# yaml-language-server: [$]schema=).*|\\1$schema_target|"
  else
    modeline='/^# yaml-language-server: /d'
  fi
  sed -E -e "s|^([[:space:]]*dataDir:[[:space:]]*)[^[:space:]#]+|\\1$STATE_DIR|" -e "$modeline" "$example_config" |
    write_file 0640 "$config_path"
else
  echo "note: no example config at $example_config; write $config_path yourself (pressgate check validates it)"
fi

# 5. Ownership (real installs only): the service reads its config through its group.
if [ -z "$prefix" ]; then
  act chown root:root "$unit_path" "$env_path"
  act chown "root:$SERVICE_GROUP" "$etc_dir"
  if [ -e "$config_path" ] || [ "$dry_run" -eq 1 ]; then
    act chown "root:$SERVICE_GROUP" "$config_path"
  fi
else
  echo "skip: ownership changes (--prefix install)"
fi

# 6. Tell systemd.
if [ -z "$prefix" ]; then
  act systemctl daemon-reload
else
  echo "skip: systemctl daemon-reload (--prefix install)"
fi

cat <<NEXT

Next steps:
  1. Fill in the secrets:   sudo nano $env_path
  2. Edit the config:       sudo nano $config_path   (remotes; relay.dataDir: $STATE_DIR)
     and check it:          sudo bash -c 'set -a; . $env_path; exec $exec_start check --config $config_path'
  3. Optional stable names: sudo cp $script_dir/udev/99-pressgate.rules /etc/udev/rules.d/ and edit it
  4. Start now and at boot: sudo systemctl enable --now pressgate
  5. Watch it:              journalctl -u pressgate -f      (reload config: sudo systemctl reload pressgate)
NEXT
