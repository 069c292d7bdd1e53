/*
 * Test driver for the reference firmware core: a fake clock and fake pins, driven by a script
 * on stdin. Every byte the core writes goes to stdout as is; for each write, stderr gets
 * `<script ms> <byte count>` so a test can tell when each line was sent.
 *
 * Script lines, in time order (`t` is script time in ms, from 0, never going back):
 *   <t> <button> <level>   pin level of a button (1-based): 0 low = pressed, 1 high = released
 *   <t> rx <hex>           bytes from the host, as hex (`3F0A` is `?\n`)
 *   <t> boot               restart the device: its clock starts again at 0, the core reboots
 *   <t> end                run until t
 * At each ms the events of that ms apply, then the core is polled once (a 1 kHz scan).
 *
 * Options: -s <device ms at t=0> -q <first seq> -c (checksums) -d <debounce ms>
 *          -b <heartbeat ms> -n <buttons> -i <device id> -f <firmware>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pressgate_remote.h"

static uint8_t pins[PGR_MAX_BUTTONS];
static uint32_t boot_device_ms;
static unsigned long long boot_t;
static unsigned long long now_t;

static uint8_t fake_pressed(void *ctx, uint8_t index) {
  (void)ctx;
  return pins[index] == 0 ? 1 : 0;
}

static uint32_t fake_millis(void *ctx) {
  (void)ctx;
  return (uint32_t)(boot_device_ms + (uint32_t)(now_t - boot_t));
}

static void fake_write(void *ctx, const char *bytes, uint8_t len) {
  (void)ctx;
  fwrite(bytes, 1, len, stdout);
  fprintf(stderr, "%llu %u\n", now_t, (unsigned)len);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int main(int argc, char **argv) {
  pgr_config config = {"rmt-test", "0.1.0", 4, 0, 10, 2500};
  pgr_board board = {fake_pressed, fake_millis, fake_write, NULL};
  pgr_remote remote;
  long first_seq = -1;
  char text[1024];
  int i;
  for (i = 0; i < PGR_MAX_BUTTONS; i++) pins[i] = 1;
  for (i = 1; i < argc; i++) {
    const char *opt = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : "";
    if (strcmp(opt, "-c") == 0) { config.checksum = 1; continue; }
    if (strcmp(opt, "-s") == 0) boot_device_ms = (uint32_t)strtoul(val, NULL, 10);
    else if (strcmp(opt, "-q") == 0) first_seq = strtol(val, NULL, 10);
    else if (strcmp(opt, "-d") == 0) config.debounce_ms = (uint16_t)strtoul(val, NULL, 10);
    else if (strcmp(opt, "-b") == 0) config.heartbeat_ms = (uint16_t)strtoul(val, NULL, 10);
    else if (strcmp(opt, "-n") == 0) config.buttons = (uint8_t)strtoul(val, NULL, 10);
    else if (strcmp(opt, "-i") == 0) config.device_id = val;
    else if (strcmp(opt, "-f") == 0) config.firmware = val;
    else { fprintf(stderr, "unknown option %s\n", opt); return 64; }
    i++;
  }
  if (pgr_begin(&remote, &config, &board) != PGR_OK) {
    fprintf(stderr, "bad config\n");
    while (fgetc(stdin) != EOF) {
      /* read the script anyway: the test writing it must not see a broken pipe */
    }
    return 65;
  }
  if (first_seq >= 0) remote.seq = (uint16_t)first_seq;
  while (fgets(text, sizeof text, stdin) != NULL) {
    unsigned long long t;
    char what[16];
    char arg[900];
    int fields;
    arg[0] = '\0';
    fields = sscanf(text, "%llu %15s %899s", &t, what, arg);
    if (fields < 2) continue;
    if (t < now_t) { fprintf(stderr, "script goes back in time at %llu\n", t); return 66; }
    while (now_t < t) {
      pgr_poll(&remote);
      now_t++;
    }
    if (strcmp(what, "end") == 0) continue;
    if (strcmp(what, "boot") == 0) {
      boot_t = now_t;
      boot_device_ms = 0;
      pgr_begin(&remote, &config, &board);
    } else if (strcmp(what, "rx") == 0) {
      size_t n = strlen(arg);
      size_t k;
      for (k = 0; k + 1 < n; k += 2) {
        int hi = hex_value(arg[k]);
        int lo = hex_value(arg[k + 1]);
        if (hi < 0 || lo < 0) { fprintf(stderr, "bad hex %s\n", arg); return 67; }
        pgr_receive(&remote, (uint8_t)(hi * 16 + lo));
      }
    } else {
      int button = atoi(what);
      if (button < 1 || button > PGR_MAX_BUTTONS || fields < 3) {
        fprintf(stderr, "bad line %s", text);
        return 68;
      }
      pins[button - 1] = arg[0] == '0' ? 0 : 1;
    }
  }
  pgr_poll(&remote);
  return 0;
}
