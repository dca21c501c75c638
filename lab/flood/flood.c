// A LAN host without the key floods an agent with forged heartbeats (lab/bench-flood.sh).
//
//   flood DEST_IP PORT RATE SECONDS SIZE KEY_ID CLUSTER_TAG_HEX [mixed] [from=IP:PORT]
//
// Every datagram is SIZE bytes framed as a version 4 heartbeat of the agent's cluster (version,
// the active key id, the 4-byte cluster tag) with random bytes after: it passes every check
// the codec makes before the MAC, so each costs the agent a full HMAC over SIZE bytes (BAD_MAC),
// the costliest rejection there is. "mixed" makes every second datagram one of the cheap kinds
// instead (random bytes, a wrong version, an unknown key id, cut, or over the budget). RATE is
// datagrams per second, paced in 1 ms slices (0: as fast as the sender can). from=IP:PORT sends
// from that address and port (one the host holds: the lab gives it a peer's, to play a spoofer).
// Prints what it sent.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_SIZE 1500

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void) { // xorshift64*
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545F4914F6CDD1Dull;
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

// Fills one datagram; returns its length.
static int forge(unsigned char *b, int size, int key_id, const unsigned char tag[4], int kind) {
  for (int i = 0; i < MAX_SIZE; i += 8) {
    uint64_t r = next_random();
    memcpy(b + i, &r, 8);
  }
  b[0] = 4; // version 4: no magic
  b[1] = (unsigned char)key_id;
  memcpy(b + 2, tag, 4);
  switch (kind) {
    case 1: b[0] = 0x52; b[1] = 0; return size; // BAD_MAGIC (version 3's first byte, no "L")
    case 2: b[0] = 9; return size; // BAD_VERSION
    case 3: b[1] = (unsigned char)(key_id + 1); return size; // UNKNOWN_KEY (one key configured)
    case 4: return 40; // TRUNCATED
    case 5: return 1400; // OVERSIZED
    default: return size; // BAD_MAC
  }
}

int main(int argc, char **argv) {
  if (argc < 8) {
    fprintf(stderr, "usage: flood DEST_IP PORT RATE SECONDS SIZE KEY_ID CLUSTER_TAG_HEX [mixed]\n");
    return 2;
  }
  long rate = atol(argv[3]);
  double seconds = atof(argv[4]);
  int size = atoi(argv[5]);
  int key_id = atoi(argv[6]);
  int mixed = 0;
  struct sockaddr_in from = {.sin_family = AF_INET};
  int spoof = 0;
  for (int i = 8; i < argc; i++) {
    if (strcmp(argv[i], "mixed") == 0) {
      mixed = 1;
    } else if (strncmp(argv[i], "from=", 5) == 0) {
      char ip[64];
      int port;
      if (sscanf(argv[i] + 5, "%63[^:]:%d", ip, &port) != 2 || inet_pton(AF_INET, ip, &from.sin_addr) != 1) {
        fprintf(stderr, "flood: from=IP:PORT, not %s\n", argv[i]);
        return 2;
      }
      from.sin_port = htons(port);
      spoof = 1;
    }
  }
  unsigned char tag[4];
  if (strlen(argv[7]) != 8 || size < 12 || size > MAX_SIZE) {
    fprintf(stderr, "flood: the tag is 8 hex digits and 12 <= SIZE <= %d\n", MAX_SIZE);
    return 2;
  }
  for (int i = 0; i < 4; i++) sscanf(argv[7] + 2 * i, "%2hhx", &tag[i]);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
    fprintf(stderr, "flood: %s is not an IPv4 address\n", argv[1]);
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1;
  if (spoof && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
                bind(fd, (struct sockaddr *)&from, sizeof from) < 0)) {
    perror("flood: bind");
    return 1;
  }
  if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof to) < 0) {
    perror("flood: socket");
    return 1;
  }
  rng ^= (uint64_t)now_ns();

  // A pool of distinct datagrams, reused round-robin: forging costs the sender nothing per send.
  enum { POOL = 4096 };
  static unsigned char pool[POOL][MAX_SIZE];
  static int lengths[POOL];
  for (int i = 0; i < POOL; i++) {
    int kind = mixed && (i % 2) ? 1 + (int)(next_random() % 5) : 0;
    lengths[i] = forge(pool[i], size, key_id, tag, kind);
  }
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];

  int64_t start = now_ns(), end = start + (int64_t)(seconds * 1e9);
  long sent = 0, dropped = 0, next = 0;
  struct timespec slice;
  clock_gettime(CLOCK_MONOTONIC, &slice);
  while (now_ns() < end) {
    long due = rate > 0 ? (long)((now_ns() - start) * (double)rate / 1e9) - sent - dropped : BATCH;
    while (due > 0) {
      int n = due < BATCH ? (int)due : BATCH;
      for (int i = 0; i < n; i++) {
        int p = (int)(next++ % POOL);
        iov[i].iov_base = pool[p];
        iov[i].iov_len = (size_t)lengths[p];
        memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int r = sendmmsg(fd, msgs, (unsigned)n, 0);
      if (r < 0) {
        if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED) {
          perror("flood: sendmmsg");
          return 1;
        }
        dropped += n; // the sender's own queue was full: counted, not retried
        r = n;
      } else {
        sent += r;
      }
      due -= r;
    }
    if (rate > 0) {
      slice.tv_nsec += 1000000;
      if (slice.tv_nsec >= 1000000000) {
        slice.tv_nsec -= 1000000000;
        slice.tv_sec++;
      }
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &slice, NULL);
    }
  }
  double took = (now_ns() - start) / 1e9;
  printf("FLOOD sent=%ld send_errors=%ld seconds=%.2f rate_per_s=%.0f size=%d%s%s\n", sent, dropped,
         took, sent / took, size, mixed ? " mixed" : "", spoof ? " spoofed" : "");
  return 0;
}
