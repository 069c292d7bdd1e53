/*
 * pressgate remote: the portable core of the reference firmware (wire protocol v1).
 *
 * C99, no heap, no board headers. The board layer supplies three functions (read whether a
 * button is pressed, read the millisecond clock, write bytes) and calls:
 *   pgr_begin()   once at boot (sends HELLO),
 *   pgr_poll()    as often as it can, ideally every millisecond (scans buttons, sends E and B),
 *   pgr_receive() for every byte the host sent (answers `?` with HELLO).
 * See firmware-protocol/PROTOCOL.md for the wire format and reference/README.md for the
 * debounce trade-off.
 */
#ifndef PRESSGATE_REMOTE_H
#define PRESSGATE_REMOTE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PGR_PROTO 1
/** Buttons one core can scan; the protocol allows 1..16. */
#define PGR_MAX_BUTTONS 16
/** Host lines longer than this are discarded up to their `\n`; `?` needs 2 bytes. */
#define PGR_RX_MAX 8
/** Longest line the core writes, `\n` included: a HELLO with 32-byte id and firmware, `*HH`. */
#define PGR_TX_MAX 96
#define PGR_ID_MAX 32

typedef struct pgr_board {
  /** 1 when button `index` (0-based) is pressed, else 0. */
  uint8_t (*pressed)(void *ctx, uint8_t index);
  /** Free-running uptime in milliseconds, wrapping after 2^32. */
  uint32_t (*millis)(void *ctx);
  /** Queue `len` bytes for the host; drop them if they do not fit. Must not block. */
  void (*write)(void *ctx, const char *bytes, uint8_t len);
  void *ctx;
} pgr_board;

typedef struct pgr_config {
  /** `[A-Za-z0-9._-]{1,32}`, stable for the device's life. */
  const char *device_id;
  /** `[A-Za-z0-9._+-]{1,32}`. */
  const char *firmware;
  /** 1..PGR_MAX_BUTTONS. */
  uint8_t buttons;
  /** 1: end every line but `#` lines in `*HH`. */
  uint8_t checksum;
  /** Leading-edge debounce window (ms); keep it below the host's debounceMs (20). */
  uint16_t debounce_ms;
  /** Heartbeat interval (ms), 1..5000; 2500 recommended. */
  uint16_t heartbeat_ms;
} pgr_config;

typedef enum pgr_status {
  PGR_OK = 0,
  PGR_BAD_DEVICE_ID = 1,
  PGR_BAD_FIRMWARE = 2,
  PGR_BAD_BUTTONS = 3,
  PGR_BAD_HEARTBEAT = 4
} pgr_status;

/** The whole state; fields are the core's own (tests may read them). */
typedef struct pgr_remote {
  const pgr_config *config;
  const pgr_board *board;
  /** The seq of the next E/B line; wraps 65535 -> 0. */
  uint16_t seq;
  /** Bit i: button i was last reported down. */
  uint16_t down;
  /** Bit i: button i's debounce window has passed since its last reported edge. */
  uint16_t settled;
  /** Bit 0: the first poll (and its heartbeat) is still to come. Bit 1: host line overflowed. */
  uint8_t flags;
  uint8_t rx_len;
  uint32_t last_beat_ms;
  uint32_t edge_ms[PGR_MAX_BUTTONS];
  char rx[PGR_RX_MAX];
} pgr_remote;

/**
 * Checks the config, resets all state (seq 0, every button up) and writes `\n` (ending any
 * partial line the host holds) and HELLO. On a bad config it writes nothing and returns why.
 */
pgr_status pgr_begin(pgr_remote *remote, const pgr_config *config, const pgr_board *board);

/** Scans every button once and sends what is due: the first heartbeat, edges, heartbeats. */
void pgr_poll(pgr_remote *remote);

/** One byte from the host. A line `?` (or `?\r`) is answered with HELLO at once. */
void pgr_receive(pgr_remote *remote, uint8_t byte);

/** Writes HELLO (also what `?` does). */
void pgr_send_hello(pgr_remote *remote);

#ifdef __cplusplus
}
#endif

#endif
