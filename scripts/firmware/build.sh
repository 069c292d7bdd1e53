#!/usr/bin/env bash
# pnpm firmware:build: builds the reference firmware (firmware-protocol/reference/arduino) for
# atmega328p (Uno, Nano) and atmega32u4 (Leonardo, Pro Micro) with Debian's gcc-avr, avr-libc,
# arduino-core-avr and arduino-mk, plus an empty sketch per board to compare sizes against; then
# the simavr harness (firmware-protocol/reference/sim). Everything goes under build/firmware/.
# Prints flash and RAM use per board. Exits 2, naming the Debian packages, when a tool is missing.
set -euo pipefail
root="$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)"
out="${PRESSGATE_FIRMWARE_BUILD_DIR:-$root/build/firmware}"
sketch="$root/firmware-protocol/reference/arduino/pressgate_remote"
mk="$root/scripts/firmware/arduino.mk"
arduino_dir=/usr/share/arduino

missing=()
command -v avr-gcc >/dev/null 2>&1 || missing+=(gcc-avr)
command -v avr-size >/dev/null 2>&1 || missing+=(binutils-avr)
[ -f /usr/lib/avr/include/avr/io.h ] || [ -f /usr/avr/include/avr/io.h ] || missing+=(avr-libc)
[ -d "$arduino_dir/hardware/arduino/avr/cores/arduino" ] || missing+=(arduino-core-avr)
[ -f "$arduino_dir/Arduino.mk" ] || missing+=(arduino-mk)
command -v make >/dev/null 2>&1 || missing+=(make)
if [ ${#missing[@]} -gt 0 ]; then
  echo "firmware:build needs the AVR toolchain; missing: ${missing[*]}" >&2
  echo "install: sudo apt-get install gcc-avr avr-libc arduino-core-avr arduino-mk" >&2
  exit 2
fi

# One build at a time per output folder (tests in parallel workers may all ask for it).
mkdir -p "$out"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$out/.lock"
  flock 9
fi

mkdir -p "$out/empty-sketch/empty"
cat >"$out/empty-sketch/empty/empty.ino.tmp" <<'INO'
void setup() {}
void loop() {}
INO
cmp -s "$out/empty-sketch/empty/empty.ino.tmp" "$out/empty-sketch/empty/empty.ino" 2>/dev/null ||
  mv "$out/empty-sketch/empty/empty.ino.tmp" "$out/empty-sketch/empty/empty.ino"
rm -f "$out/empty-sketch/empty/empty.ino.tmp"

build() { # <sketch folder> <board tag> <object folder> <target name>
  local log="$3.log"
  mkdir -p "$3"
  if ! make -C "$1" -f "$mk" BOARD_TAG="$2" OBJDIR="$3" TARGET="$4" -j2 >"$log" 2>&1; then
    cat "$log" >&2
    echo "firmware:build: building $1 for $2 failed (log above, also in $log)" >&2
    exit 1
  fi
}

# "<flash> <ram>" of an .elf: flash = .text + .data, RAM = .data + .bss (static use; the stack
# comes on top).
sizes() {
  avr-size --format=berkeley "$1" | awk 'NR == 2 { print $1 + $2, $2 + $3 }'
}

printf '%-32s %-11s %8s %8s %14s %12s\n' board mcu flash ram "flash - empty" "ram - empty"
for entry in uno:atmega328p:"Uno, Nano" leonardo:atmega32u4:"Leonardo, Pro Micro"; do
  IFS=: read -r tag mcu label <<<"$entry"
  build "$sketch" "$tag" "$out/$tag" pressgate_remote
  build "$out/empty-sketch/empty" "$tag" "$out/$tag-empty" empty
  read -r flash ram < <(sizes "$out/$tag/pressgate_remote.elf")
  read -r empty_flash empty_ram < <(sizes "$out/$tag-empty/empty.elf")
  printf '%-32s %-11s %8s %8s %14s %12s\n' "$tag ($label)" "$mcu" "$flash B" "$ram B" \
    "$((flash - empty_flash)) B" "$((ram - empty_ram)) B"
done
echo "hex: $out/uno/pressgate_remote.hex $out/leonardo/pressgate_remote.hex"

# The simavr harness (host C), for running the atmega328p build.
sim_src="$root/firmware-protocol/reference/sim/pressgate-sim.c"
if [ -f /usr/include/simavr/sim_avr.h ] && command -v cc >/dev/null 2>&1; then
  if [ ! -x "$out/pressgate-sim" ] || [ "$sim_src" -nt "$out/pressgate-sim" ]; then
    cc -std=c99 -O2 -Wall -Wextra -Werror -I/usr/include/simavr -o "$out/pressgate-sim" "$sim_src" \
      -lsimavr -lsimavrparts -lelf -lutil
  fi
  echo "simavr harness: $out/pressgate-sim --elf $out/uno/pressgate_remote.elf --link PATH"
else
  echo "simavr harness not built: install simavr libsimavr-dev libsimavrparts1 libelf-dev (and gcc)" >&2
fi
