/*
 * pressgate-sim: runs the reference firmware's atmega328p build in simavr, paced to real time,
 * with UART0 bridged to a pseudo-terminal and the button pins driven from stdin.
 *
 *   pressgate-sim --elf FILE --link PATH [--mcu atmega328p] [--freq 16000000] [--pins 2,3,4,5]
 *                 [--trace 0|1]
 *
 * It makes its own pty (openpty) and symlinks it at PATH, so parallel runs never collide, then
 * prints `ready PATH` on stdout. Commands on stdin, one per line, run in order:
 *   <button> <0|1> [bounce ms]
 *                    drive the pin of that button (1-based, in --pins order) low (0, pressed)
 *                    or high (1, released); every button pin starts high. With a bounce time
 *                    B (1..1000), the pin flips back after B/2 ms and to the level again at B
 *                    ms of simulated time, as a bouncing contact does
 *   wait <ms>        run the chip for that many ms of simulated time (0..3600000) before the
 *                    next command: a script sent in one go keeps its timing on a loaded host
 *   quit             stop (so does the end of stdin, SIGINT or SIGTERM)
 * Each command is answered on stdout with `ok <cycle> <ns>` (a wait when it ends) or
 * `error <why>`; <cycle> is the simulated cycle, <ns> the host's CLOCK_MONOTONIC in ns (the
 * clock of Node's process.hrtime), both when the command took effect. With --trace 1, every
 * line the firmware ends with `\n` is also reported as `tx <cycle> <ns>` when its last byte
 * leaves the UART.
 * Like the USB-serial chip of a real board, the link drops what the firmware sends while no
 * host has it open, so a host that opens it late does not read a backlog of old lines. When a
 * host opens or closes the link, stdout says `host open` or `host closed`.
 * It needs about a third of a CPU core, and asks for nice -10 where it may (root, CAP_SYS_NICE).
 * --pins are Arduino Uno pin numbers: 0..7 on port D, 8..13 on port B, 14..19 (A0..A5) on C.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <avr_ioport.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_irq.h>

#define MAX_BUTTONS 16
#define RX_QUEUE 512
#define MAX_SCHEDULED 64

static avr_t *avr;
static int master_fd = -1;
/* A host has the link open (the pty master reports no hang-up). */
static int host_open;
static int trace;
static const char *link_path;
static volatile sig_atomic_t stop_requested;
static int uart_ready = 1;
static unsigned char rx_queue[RX_QUEUE];
static unsigned rx_head, rx_tail;
static avr_irq_t *uart_input;
static avr_irq_t *button_irq[MAX_BUTTONS];
static int button_count;
/* Pin changes due at a simulated cycle (contact bounce), unordered. */
static struct {
  avr_cycle_count_t at;
  int button;
  int level;
} scheduled[MAX_SCHEDULED];
static int scheduled_count;
/* Command bytes read from stdin and not yet run (a `wait` holds the rest back). */
static char input[8192];
static size_t input_len;
static int input_ended;
/* While waiting: the cycle the wait ends at; 0 when not waiting. */
static avr_cycle_count_t wait_until;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static unsigned long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Bytes from the UART not yet handed to the pty. Like the USB-serial chip of a board, which
 * sends what it has every few ms or at once when its buffer fills, they go out at the end of a
 * line or of a simulated millisecond: byte-by-byte writes would wake the host once per byte. */
static unsigned char tx_buf[256];
static size_t tx_len;
/* The UART is inside a line; the host opened the link inside the line now going out. */
static int uart_mid_line;
static int host_mid_line;

static void flush_tx(void) {
  if (tx_len > 0 && write(master_fd, tx_buf, tx_len) < 0) {
    /* EAGAIN (pty buffer full, the host not reading): a real UART drops bytes nobody takes */
  }
  tx_len = 0;
}

/* A byte the firmware sent: to the host side of the pty, or dropped if nobody has it open. */
static void on_uart_output(struct avr_irq_t *irq, uint32_t value, void *param) {
  unsigned char byte = (unsigned char)value;
  (void)irq;
  (void)param;
  /* A host that opens the link mid-line gets from the next line on, not the tail of this one. */
  if (host_open && !host_mid_line) {
    if (tx_len == sizeof tx_buf) flush_tx();
    tx_buf[tx_len++] = byte;
    if (byte == '\n') flush_tx();
  }
  if (byte == '\n') host_mid_line = 0;
  uart_mid_line = byte != '\n';
  if (trace && byte == '\n') {
    printf("tx %llu %llu\n", (unsigned long long)avr->cycle, now_ns());
    fflush(stdout);
  }
}

static void on_uart_xon(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)value;
  (void)param;
  uart_ready = 1;
}

static void on_uart_xoff(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)value;
  (void)param;
  uart_ready = 0;
}

static void remove_scheduled(int i) {
  memmove(&scheduled[i], &scheduled[i + 1], (size_t)(scheduled_count - i - 1) * sizeof scheduled[0]);
  scheduled_count--;
}

static void drop_scheduled(int button) {
  for (int i = 0; i < scheduled_count;) {
    if (scheduled[i].button == button) remove_scheduled(i);
    else i++;
  }
}

/* Applies the pin changes that are due, earliest first. */
static void run_scheduled(void) {
  for (;;) {
    int due = -1;
    for (int i = 0; i < scheduled_count; i++) {
      if (scheduled[i].at <= avr->cycle && (due < 0 || scheduled[i].at < scheduled[due].at)) due = i;
    }
    if (due < 0) return;
    avr_raise_irq(button_irq[scheduled[due].button - 1], (uint32_t)scheduled[due].level);
    remove_scheduled(due);
  }
}

/* Arduino Uno pin number to port and bit. */
static int uno_pin(int pin, char *port, int *bit) {
  if (pin >= 0 && pin <= 7) { *port = 'D'; *bit = pin; return 0; }
  if (pin >= 8 && pin <= 13) { *port = 'B'; *bit = pin - 8; return 0; }
  if (pin >= 14 && pin <= 19) { *port = 'C'; *bit = pin - 14; return 0; }
  return -1;
}

static void acknowledge(void) {
  printf("ok %llu %llu\n", (unsigned long long)avr->cycle, now_ns());
  fflush(stdout);
}

static void run_command(const char *line) {
  int button;
  int level;
  int bounce_ms = 0;
  int fields;
  long wait_ms;
  char extra;
  if (strcmp(line, "quit") == 0) {
    stop_requested = 1;
    return;
  }
  if (sscanf(line, "wait %ld %c", &wait_ms, &extra) == 1 && wait_ms >= 0 && wait_ms <= 3600000) {
    wait_until = avr->cycle + (avr_cycle_count_t)wait_ms * avr->frequency / 1000u;
    if (wait_until == 0) wait_until = 1;
    return; /* acknowledged when it ends */
  }
  fields = sscanf(line, "%d %d %d %c", &button, &level, &bounce_ms, &extra);
  if (fields < 2 || fields > 3 || button < 1 || button > button_count || (level != 0 && level != 1) ||
      bounce_ms < 0 || bounce_ms > 1000 || scheduled_count + 2 > MAX_SCHEDULED) {
    printf("error expected `<button 1..%d> <0|1> [bounce ms 0..1000]`, `wait <ms>` or `quit`, got `%s`\n",
           button_count, line);
    fflush(stdout);
    return;
  }
  drop_scheduled(button); /* a new command for a button overrides its bounce in progress */
  avr_raise_irq(button_irq[button - 1], (uint32_t)level);
  if (bounce_ms > 0) {
    avr_cycle_count_t half = (avr_cycle_count_t)bounce_ms * avr->frequency / 2000u;
    scheduled[scheduled_count].at = avr->cycle + half;
    scheduled[scheduled_count].button = button;
    scheduled[scheduled_count++].level = 1 - level;
    scheduled[scheduled_count].at = avr->cycle + 2 * half;
    scheduled[scheduled_count].button = button;
    scheduled[scheduled_count++].level = level;
  }
  acknowledge();
}

/* Runs the commands waiting in `input`, up to the end of it or to a `wait` not yet over. */
static void run_input(void) {
  if (wait_until != 0) {
    if (avr->cycle < wait_until) return;
    wait_until = 0;
    acknowledge();
  }
  while (wait_until == 0 && !stop_requested) {
    char *end = memchr(input, '\n', input_len);
    size_t used;
    if (end == NULL) {
      if (input_len == sizeof input) input_len = 0; /* a line longer than the buffer: junk */
      if (input_ended) stop_requested = 1;
      return;
    }
    *end = '\0';
    if (end > input && end[-1] == '\r') end[-1] = '\0';
    if (input[0] != '\0') run_command(input);
    used = (size_t)(end - input) + 1;
    memmove(input, input + used, input_len - used);
    input_len -= used;
  }
}

/* Reads what is waiting on stdin and on the pty, without blocking, and notes whether a host
 * has the pty open: with no slave open, its master polls as hung up (and reads fail). */
static void service_io(void) {
  struct pollfd fds[2] = {{STDIN_FILENO, input_ended ? 0 : POLLIN, 0}, {master_fd, POLLIN, 0}};
  unsigned char buf[256];
  if (poll(fds, 2, 0) < 0) return;
  if (!input_ended && input_len < sizeof input && (fds[0].revents & (POLLIN | POLLHUP))) {
    ssize_t n = read(STDIN_FILENO, input + input_len, sizeof input - input_len);
    if (n <= 0) input_ended = 1;
    else input_len += (size_t)n;
  }
  if (host_open != !(fds[1].revents & POLLHUP)) {
    host_open = !host_open;
    host_mid_line = host_open && uart_mid_line;
    printf("host %s\n", host_open ? "open" : "closed");
    fflush(stdout);
  }
  if (host_open && (fds[1].revents & POLLIN)) {
    ssize_t n = read(master_fd, buf, sizeof buf);
    for (ssize_t i = 0; i < n; i++) {
      if (rx_tail - rx_head < RX_QUEUE) rx_queue[rx_tail++ % RX_QUEUE] = buf[i];
    }
  }
  run_input();
}

static void usage(void) {
  fprintf(stderr,
          "usage: pressgate-sim --elf FILE --link PATH [--mcu atmega328p] [--freq 16000000] "
          "[--pins 2,3,4,5] [--trace 0|1]\n");
  exit(64);
}

int main(int argc, char **argv) {
  const char *elf_path = NULL;
  const char *mcu = "atmega328p";
  const char *pins = "2,3,4,5";
  unsigned long freq = 16000000ul;
  elf_firmware_t firmware;
  struct termios raw;
  uint32_t flags = 0;
  char slave_name[128];
  int slave_fd;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--elf") == 0) elf_path = argv[i + 1];
    else if (strcmp(argv[i], "--link") == 0) link_path = argv[i + 1];
    else if (strcmp(argv[i], "--mcu") == 0) mcu = argv[i + 1];
    else if (strcmp(argv[i], "--freq") == 0) freq = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--pins") == 0) pins = argv[i + 1];
    else if (strcmp(argv[i], "--trace") == 0) trace = strcmp(argv[i + 1], "1") == 0;
    else usage();
  }
  if (elf_path == NULL || link_path == NULL || argc % 2 == 0 || freq == 0) usage();

  memset(&firmware, 0, sizeof firmware);
  if (elf_read_firmware(elf_path, &firmware) != 0) {
    fprintf(stderr, "pressgate-sim: cannot read %s\n", elf_path);
    return 66;
  }
  avr = avr_make_mcu_by_name(mcu);
  if (avr == NULL) {
    fprintf(stderr, "pressgate-sim: simavr does not know the mcu %s\n", mcu);
    return 65;
  }
  avr_init(avr);
  avr->log = LOG_WARNING;
  avr_load_firmware(avr, &firmware);
  avr->frequency = (uint32_t)freq; /* Arduino builds carry no .mmcu section with it */

  /* UART0 to the pty; no console printing, no 1 ms sleeps when the firmware polls it. */
  avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
  flags &= ~(uint32_t)(AVR_UART_FLAG_STDIO | AVR_UART_FLAG_POLL_SLEEP);
  avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
  uart_input = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), on_uart_output,
                          NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), on_uart_xon,
                          NULL);
  avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                          on_uart_xoff, NULL);

  /* Button pins, released (high) until told otherwise. */
  for (const char *p = pins; *p != '\0' && button_count < MAX_BUTTONS;) {
    char *end;
    long pin = strtol(p, &end, 10);
    char port;
    int bit;
    if (end == p || uno_pin((int)pin, &port, &bit) != 0) {
      fprintf(stderr, "pressgate-sim: bad --pins %s\n", pins);
      return 64;
    }
    button_irq[button_count] = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit);
    avr_raise_irq(button_irq[button_count], 1);
    button_count++;
    p = *end == ',' ? end + 1 : end;
  }

  if (openpty(&master_fd, &slave_fd, slave_name, NULL, NULL) != 0) {
    perror("pressgate-sim: openpty");
    return 71;
  }
  /* Raw, no echo: the host's `?` must not come back to it. The settings stay with the pty while
   * the master is open; the slave is closed so the master shows when a host has it open. */
  tcgetattr(slave_fd, &raw);
  cfmakeraw(&raw);
  tcsetattr(slave_fd, TCSANOW, &raw);
  close(slave_fd);
  fcntl(master_fd, F_SETFL, fcntl(master_fd, F_GETFL) | O_NONBLOCK);
  unlink(link_path);
  if (symlink(slave_name, link_path) != 0) {
    fprintf(stderr, "pressgate-sim: cannot link %s: %s\n", link_path, strerror(errno));
    return 73;
  }
  /* A simulated chip that falls behind the wall clock misstates its own timing (and then runs
   * fast to catch up), so ask for a higher priority where that is allowed; run as is where not. */
  if (setpriority(PRIO_PROCESS, 0, -10) != 0) {
    /* EACCES/EPERM without CAP_SYS_NICE: fine */
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGPIPE, SIG_IGN);
  printf("ready %s\n", link_path);
  fflush(stdout);

  /* Pace: after every simulated millisecond, serve I/O and sleep until the wall clock has
   * caught up with the simulated one. Behind it (a loaded host), run flat out. */
  {
    const avr_cycle_count_t slice = avr->frequency / 1000u;
    avr_cycle_count_t next = avr->cycle + slice;
    unsigned long long start = now_ns();
    while (!stop_requested) {
      int state = avr_run(avr);
      if (state == cpu_Done || state == cpu_Crashed) {
        fprintf(stderr, "pressgate-sim: the simulated cpu stopped (state %d)\n", state);
        break;
      }
      if (avr->cycle < next) continue;
      next += slice;
      flush_tx();
      run_scheduled();
      if (uart_ready && rx_head != rx_tail) avr_raise_irq(uart_input, rx_queue[rx_head++ % RX_QUEUE]);
      service_io();
      {
        unsigned long long sim_ns = (unsigned long long)avr->cycle * 1000000000ull / avr->frequency;
        unsigned long long wall_ns = now_ns() - start;
        if (sim_ns > wall_ns) {
          struct timespec ts = {(time_t)((sim_ns - wall_ns) / 1000000000ull),
                                (long)((sim_ns - wall_ns) % 1000000000ull)};
          nanosleep(&ts, NULL);
        }
      }
    }
  }
  unlink(link_path);
  return 0;
}
