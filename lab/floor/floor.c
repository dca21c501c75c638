// The cost floor of a heartbeat loop on this machine, in C: one epoll loop that sends a 120-byte
// UDP datagram to PEER_ADDR:PEER_PORT every PERIOD_US (timerfd) and reads what the peer sends.
// Used by lab/floor/floor.sh; no protocol, no crypto: the least any daemon can spend per event.
//   floor PORT PEER_ADDR PEER_PORT PERIOD_US
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: floor PORT PEER_ADDR PEER_PORT PERIOD_US\n");
    return 2;
  }
  int port = atoi(argv[1]), peer = atoi(argv[3]);
  long us = atol(argv[4]);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in me = {0};
  me.sin_family = AF_INET;
  me.sin_addr.s_addr = htonl(INADDR_ANY);
  me.sin_port = htons(port);
  if (bind(s, (struct sockaddr *)&me, sizeof me) != 0) {
    perror("bind");
    return 1;
  }
  struct sockaddr_in to = me;
  to.sin_port = htons(peer);
  if (inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
    fprintf(stderr, "floor: bad PEER_ADDR %s\n", argv[2]);
    return 2;
  }
  int t = timerfd_create(CLOCK_MONOTONIC, 0);
  struct itimerspec every = {{us / 1000000, (us % 1000000) * 1000}, {us / 1000000, (us % 1000000) * 1000}};
  timerfd_settime(t, 0, &every, NULL);
  int ep = epoll_create1(0);
  struct epoll_event e = {.events = EPOLLIN, .data.fd = s};
  epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
  e.data.fd = t;
  epoll_ctl(ep, EPOLL_CTL_ADD, t, &e);
  char buf[2048], msg[120] = {0};
  unsigned long long expirations;
  for (;;) {
    struct epoll_event ready[4];
    int n = epoll_wait(ep, ready, 4, -1);
    for (int i = 0; i < n; i++) {
      if (ready[i].data.fd == t) {
        if (read(t, &expirations, sizeof expirations) > 0)
          sendto(s, msg, sizeof msg, 0, (struct sockaddr *)&to, sizeof to);
      } else {
        recv(s, buf, sizeof buf, 0);
      }
    }
  }
}
