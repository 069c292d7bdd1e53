/*
 * pressgate reference remote: buttons to ground, lines of wire protocol v1 over Serial.
 * Uses only pinMode, digitalRead, millis and Serial, so the same sketch runs on AVR boards with
 * a USB-serial chip (Uno, Nano), native-USB AVR (Leonardo, Pro Micro), RP2040 (arduino-pico)
 * and ESP32-S2/S3. pressgate_remote.c/.h here are copies of ../../core (kept identical by a test).
 * Wiring, flashing and checking: ../../README.md.
 */

// ---- Settings ---------------------------------------------------------------------------
// One pin per button, button 1 first (1..16 pins). Each button connects its pin to GND.
static const uint8_t BUTTON_PINS[] = {2, 3, 4, 5};
// Unique per remote, [A-Za-z0-9._-]{1,32}: pressgate shows it in status and logs.
#define DEVICE_ID "rmt-0001"
// 1: end every line in *HH (worth it on a bare UART link); 0: no checksums.
#define USE_CHECKSUM 0
// Leading-edge debounce window (ms); keep it below the host's debounceMs (20).
#define DEBOUNCE_MS 10
// Heartbeat interval (ms), at most 5000.
#define HEARTBEAT_MS 2500
// A USB CDC port ignores it; a UART must match the host's serial.baudRate.
#define BAUD_RATE 115200
// -----------------------------------------------------------------------------------------

#define FIRMWARE_VERSION "0.1.0"

#include "pressgate_remote.h"

#define BUTTON_COUNT (sizeof(BUTTON_PINS) / sizeof(BUTTON_PINS[0]))
/* The smallest transmit buffer of the boards above holds 63 bytes (AVR HardwareSerial). */
#define TX_ROOM_MIN 63

static uint8_t boardPressed(void *, uint8_t index) { return digitalRead(BUTTON_PINS[index]) == LOW; }

static uint32_t boardMillis(void *) { return millis(); }

/* Never wait for the host: a line that does not fit in the transmit buffer now is dropped (its
 * seq still counts, so the host sees the gap). A line longer than the buffer goes out once the
 * buffer is empty. */
static void boardWrite(void *, const char *bytes, uint8_t len) {
  int room = Serial.availableForWrite();
  if (room >= (len < TX_ROOM_MIN ? len : TX_ROOM_MIN)) Serial.write((const uint8_t *)bytes, len);
}

static const pgr_config config = {DEVICE_ID, FIRMWARE_VERSION, BUTTON_COUNT, USE_CHECKSUM,
                                  DEBOUNCE_MS, HEARTBEAT_MS};
static const pgr_board board = {boardPressed, boardMillis, boardWrite, 0};
static pgr_remote remote;
static bool running;

void setup() {
  for (uint8_t i = 0; i < BUTTON_COUNT; i++) pinMode(BUTTON_PINS[i], INPUT_PULLUP);
  Serial.begin(BAUD_RATE);
  running = pgr_begin(&remote, &config, &board) == PGR_OK;
  // F(): the text stays in flash, not in the little RAM of an AVR.
  if (!running) Serial.print(F("# pressgate_remote.ino: bad settings (DEVICE_ID, or more than 16 BUTTON_PINS)\n"));
}

void loop() {
  if (!running) return;
  while (Serial.available() > 0) pgr_receive(&remote, (uint8_t)Serial.read());
  pgr_poll(&remote);
}
