/* pressgate remote core; see pressgate_remote.h. */
#include "pressgate_remote.h"

#define FLAG_FIRST_POLL 0x01
#define FLAG_RX_OVERFLOW 0x02

typedef struct line {
  char buf[PGR_TX_MAX];
  uint8_t len;
} line;

static void put_char(line *l, char c) {
  /* The config check bounds every line below PGR_TX_MAX; this guard is a last resort. */
  if (l->len < PGR_TX_MAX - 4) l->buf[l->len++] = c;
}

static void put_text(line *l, const char *s) {
  while (*s != '\0') put_char(l, *s++);
}

/* Unsigned decimal, no leading zeros (PROTOCOL.md section 2). */
static void put_u32(line *l, uint32_t value) {
  char digits[10];
  uint8_t n = 0;
  do {
    digits[n++] = (char)('0' + (value % 10u));
    value /= 10u;
  } while (value != 0u);
  while (n > 0) put_char(l, digits[--n]);
}

static char hex_digit(uint8_t v) { return (char)(v < 10u ? '0' + v : 'A' + v - 10); }

/* Adds `*HH` when configured and `\n`, then hands the line to the board. */
static void finish(pgr_remote *r, line *l) {
  if (r->config->checksum) {
    uint8_t x = 0;
    uint8_t i;
    for (i = 0; i < l->len; i++) x ^= (uint8_t)l->buf[i];
    l->buf[l->len++] = '*';
    l->buf[l->len++] = hex_digit((uint8_t)(x >> 4));
    l->buf[l->len++] = hex_digit((uint8_t)(x & 0x0Fu));
  }
  l->buf[l->len++] = '\n';
  r->board->write(r->board->ctx, l->buf, l->len);
}

/* Starts a sequenced line `<type> <seq> <ms>`; seq counts even a line the board drops. */
static void begin_sequenced(pgr_remote *r, line *l, char type, uint32_t now) {
  l->len = 0;
  put_char(l, type);
  put_char(l, ' ');
  put_u32(l, r->seq);
  put_char(l, ' ');
  put_u32(l, now);
  r->seq = (uint16_t)(r->seq + 1u);
}

static void send_heartbeat(pgr_remote *r, uint32_t now) {
  line l;
  begin_sequenced(r, &l, 'B', now);
  finish(r, &l);
  r->last_beat_ms = now;
}

static void send_edge(pgr_remote *r, uint8_t index, uint8_t down, uint32_t now) {
  line l;
  begin_sequenced(r, &l, 'E', now);
  put_char(&l, ' ');
  put_u32(&l, (uint32_t)index + 1u);
  put_char(&l, ' ');
  put_char(&l, down ? 'D' : 'U');
  finish(r, &l);
}

void pgr_send_hello(pgr_remote *r) {
  line l;
  l.len = 0;
  put_text(&l, "HELLO ");
  put_u32(&l, PGR_PROTO);
  put_char(&l, ' ');
  put_text(&l, r->config->device_id);
  put_char(&l, ' ');
  put_text(&l, r->config->firmware);
  put_char(&l, ' ');
  put_u32(&l, r->config->buttons);
  finish(r, &l);
}

static uint8_t valid_name(const char *s, uint8_t allow_plus) {
  uint8_t n = 0;
  for (; *s != '\0'; s++, n++) {
    char c = *s;
    uint8_t ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-' || (allow_plus && c == '+');
    if (!ok || n >= PGR_ID_MAX) return 0;
  }
  return n > 0;
}

pgr_status pgr_begin(pgr_remote *r, const pgr_config *config, const pgr_board *board) {
  uint8_t i;
  if (config->device_id == 0 || !valid_name(config->device_id, 0)) return PGR_BAD_DEVICE_ID;
  if (config->firmware == 0 || !valid_name(config->firmware, 1)) return PGR_BAD_FIRMWARE;
  if (config->buttons < 1u || config->buttons > PGR_MAX_BUTTONS) return PGR_BAD_BUTTONS;
  if (config->heartbeat_ms < 1u || config->heartbeat_ms > 5000u) return PGR_BAD_HEARTBEAT;
  r->config = config;
  r->board = board;
  r->seq = 0;
  r->down = 0;
  r->settled = 0xFFFFu;
  r->flags = FLAG_FIRST_POLL;
  r->rx_len = 0;
  r->last_beat_ms = 0;
  for (i = 0; i < PGR_MAX_BUTTONS; i++) r->edge_ms[i] = 0;
  board->write(board->ctx, "\n", 1);
  pgr_send_hello(r);
  return PGR_OK;
}

void pgr_poll(pgr_remote *r) {
  const pgr_board *b = r->board;
  uint32_t now = b->millis(b->ctx);
  uint8_t i;
  if (r->flags & FLAG_FIRST_POLL) {
    r->flags &= (uint8_t)~FLAG_FIRST_POLL;
    send_heartbeat(r, now); /* a baseline for the host at once */
  }
  for (i = 0; i < r->config->buttons; i++) {
    uint16_t bit = (uint16_t)(1u << i);
    uint8_t pressed = b->pressed(b->ctx, i) ? 1u : 0u;
    uint8_t reported = (r->down & bit) ? 1u : 0u;
    /* Leading-edge debounce: the first transition after a quiet window is reported at once,
     * stamped with its own time; transitions inside the window are not looked at. A state that
     * still differs when the window ends is reported then. */
    if (!(r->settled & bit) && (uint32_t)(now - r->edge_ms[i]) >= r->config->debounce_ms) {
      r->settled |= bit;
    }
    if (pressed != reported && (r->settled & bit)) {
      r->down ^= bit;
      r->settled &= (uint16_t)~bit;
      r->edge_ms[i] = now;
      send_edge(r, i, pressed, now);
    }
  }
  /* Subtraction in u32 makes the wrap of `now` harmless. */
  if ((uint32_t)(now - r->last_beat_ms) >= r->config->heartbeat_ms) send_heartbeat(r, now);
}

void pgr_receive(pgr_remote *r, uint8_t byte) {
  if (byte == '\n') {
    uint8_t len = r->rx_len;
    if (len > 0u && r->rx[len - 1u] == '\r') len--;
    if (!(r->flags & FLAG_RX_OVERFLOW) && len == 1u && r->rx[0] == '?') pgr_send_hello(r);
    r->rx_len = 0;
    r->flags &= (uint8_t)~FLAG_RX_OVERFLOW;
    return;
  }
  if (r->rx_len < PGR_RX_MAX) {
    r->rx[r->rx_len++] = (char)byte;
  } else {
    r->flags |= FLAG_RX_OVERFLOW; /* ignore the rest of this line, up to its `\n` */
  }
}
