// weir-test-origin: the HTTP/1.1 origin the integration tests put behind the
// gateway. One thread per connection keeps it simple; ~500 concurrent
// keep-alive connections cost ~500 small stacks.
//
// Usage: weir-test-origin --port P [--host 127.0.0.1] [--idle-timeout-ms MS]
// With port 0 the kernel picks a port; "port=N" is printed on stdout.

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "handlers.h"
#include "request.h"
#include "stats.h"

struct origin_stats g_stats;
static unsigned g_idle_timeout_ms = 120000;

static void *serve_connection(void *arg) {
  int fd = (int)(intptr_t)arg;
  struct conn c;
  enum serve_result res = SERVE_CLOSE;
  if (conn_init(&c, fd, g_idle_timeout_ms) == 0) {
    for (int first = 1;; first = 0) {
      struct request *r = calloc(1, sizeof *r);
      if (!r) break;
      int rc = request_read_head(&c, r);
      if (rc < 0) {
        conn_writes(&c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 12\r\nConnection: close\r\n\r\n"
                        "bad request\n");
      }
      res = rc > 0 ? handle_request(&c, r, first) : SERVE_CLOSE;
      request_free(r);
      free(r);
      if (res != SERVE_KEEP_ALIVE) break;
    }
  }
  if (res == SERVE_RESET)
    conn_reset(&c);
  else if (c.fd >= 0)
    shutdown(c.fd, SHUT_WR);  // FIN first, so a close-delimited body ends cleanly
  conn_free(&c);
  atomic_fetch_sub(&g_stats.connections_open, 1);
  return NULL;
}

static void usage(void) {
  fprintf(stderr, "usage: weir-test-origin --port P [--host 127.0.0.1] [--idle-timeout-ms MS]\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *host = "127.0.0.1";
  long port = -1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
      port = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
      host = argv[++i];
    else if (strcmp(argv[i], "--idle-timeout-ms") == 0 && i + 1 < argc)
      g_idle_timeout_ms = (unsigned)strtoul(argv[++i], NULL, 10);
    else
      usage();
  }
  if (port < 0 || port > 65535) usage();
  signal(SIGPIPE, SIG_IGN);
  handlers_init();

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
    fprintf(stderr, "weir-test-origin: bad host %s\n", host);
    return 2;
  }
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1024) < 0) {
    perror("weir-test-origin: bind/listen");
    return 1;
  }
  socklen_t slen = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &slen);
  printf("port=%d\n", ntohs(sa.sin_port));
  fflush(stdout);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {
        usleep(10000);
        continue;
      }
      perror("weir-test-origin: accept");
      return 1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    atomic_fetch_add(&g_stats.connections_accepted, 1);
    atomic_fetch_add(&g_stats.connections_open, 1);
    pthread_t t;
    if (pthread_create(&t, &attr, serve_connection, (void *)(intptr_t)fd) != 0) {
      close(fd);
      atomic_fetch_sub(&g_stats.connections_open, 1);
    }
  }
}
