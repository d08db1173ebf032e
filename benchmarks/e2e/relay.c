/* relay: a blind TCP byte relay, the practical floor for any proxy in the
 * end-to-end benchmark. It pays the same socket costs as a proxy (one extra
 * hop, one read and one write per direction per burst, one epoll loop) but
 * does no HTTP work at all: each client connection gets its own origin
 * connection, and bytes are copied as they come. A proxy that is close to the
 * relay has little left to gain from its HTTP layer.
 *
 * Usage: relay LISTEN_PORT ORIGIN_PORT        (127.0.0.1 on both sides)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_CAP 16384
/* Bursts handled per event before yielding to other connections. */
#define MAX_ROUNDS 8

struct pair;

/* One socket of a pair, and the bytes read from it that still wait to be
 * written to the other socket. */
struct side {
    int fd;
    uint32_t events; /* what epoll currently watches for this fd */
    size_t len, off;
    struct side *peer;
    struct pair *pair;
    char buf[BUF_CAP];
};

struct pair {
    struct side client, origin;
    int closed;
    struct pair *next_dead;
};

static int g_ep;
static struct sockaddr_in g_origin;
/* Pairs closed during one batch of events are freed after the batch, because
 * a later event of the same batch may still point at them. */
static struct pair *g_dead;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void pair_close(struct pair *p) {
    if (p->closed) return;
    p->closed = 1;
    close(p->client.fd);
    close(p->origin.fd);
    p->next_dead = g_dead;
    g_dead = p;
}

/* Reading from a side stops while its bytes wait for the peer; writing to a
 * side is watched only while the peer has bytes for it. */
static void update_interest(struct side *s) {
    uint32_t want = (s->len == 0 ? EPOLLIN : 0) | (s->peer->len ? EPOLLOUT : 0);
    if (want == s->events) return;
    struct epoll_event ev = {.events = want, .data.ptr = s};
    if (epoll_ctl(g_ep, EPOLL_CTL_MOD, s->fd, &ev) < 0) die("epoll_ctl mod");
    s->events = want;
}

/* Writes what src holds to its peer. Returns -1 on a fatal error. */
static int flush(struct side *src) {
    while (src->off < src->len) {
        ssize_t n = write(src->peer->fd, src->buf + src->off, src->len - src->off);
        if (n > 0) {
            src->off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        return -1;
    }
    src->len = src->off = 0;
    return 0;
}

static void on_readable(struct side *s) {
    for (int round = 0; round < MAX_ROUNDS && s->len == 0; round++) {
        ssize_t n = read(s->fd, s->buf, BUF_CAP);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            pair_close(s->pair);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        s->len = (size_t)n;
        if (flush(s) < 0) {
            pair_close(s->pair);
            return;
        }
        if ((size_t)n < BUF_CAP) break; /* a short read drained the socket */
    }
    update_interest(s);
    update_interest(s->peer);
}

static void on_writable(struct side *s) {
    if (flush(s->peer) < 0) {
        pair_close(s->pair);
        return;
    }
    update_interest(s);
    update_interest(s->peer);
}

static int connect_origin(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    /* A blocking connect keeps the relay simple; on loopback it completes at
     * once, and the benchmark connects only while keep-alive clients start. */
    if (connect(fd, (struct sockaddr *)&g_origin, sizeof g_origin) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int watch(struct side *s) {
    int one = 1;
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int fl = fcntl(s->fd, F_GETFL);
    if (fl < 0 || fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
    s->events = EPOLLIN;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
    return epoll_ctl(g_ep, EPOLL_CTL_ADD, s->fd, &ev);
}

static void accept_all(int lfd) {
    for (;;) {
        int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or EMFILE: retried on the next event */
        }
        int ofd = connect_origin();
        struct pair *p = ofd < 0 ? NULL : calloc(1, sizeof *p);
        if (!p) {
            if (ofd >= 0) close(ofd);
            close(cfd);
            continue;
        }
        p->client = (struct side){.fd = cfd, .peer = &p->origin, .pair = p};
        p->origin = (struct side){.fd = ofd, .peer = &p->client, .pair = p};
        if (watch(&p->client) < 0 || watch(&p->origin) < 0) pair_close(p);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s LISTEN_PORT ORIGIN_PORT\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    g_origin = (struct sockaddr_in){.sin_family = AF_INET,
                                    .sin_port = htons((uint16_t)atoi(argv[2]))};
    g_origin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
    if (listen(lfd, 4096) < 0) die("listen");

    g_ep = epoll_create1(EPOLL_CLOEXEC);
    if (g_ep < 0) die("epoll_create1");
    /* The listener is told apart from connections by a NULL pointer. */
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(g_ep, EPOLL_CTL_ADD, lfd, &lev) < 0) die("epoll_ctl listen");

    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(g_ep, evs, 256, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct side *s = evs[i].data.ptr;
            if (!s) {
                accept_all(lfd);
                continue;
            }
            if (s->pair->closed) continue;
            if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
                pair_close(s->pair);
                continue;
            }
            if (evs[i].events & EPOLLOUT) on_writable(s);
            if (!s->pair->closed && (evs[i].events & EPOLLIN) && s->len == 0) on_readable(s);
        }
        while (g_dead) {
            struct pair *p = g_dead;
            g_dead = p->next_dead;
            free(p);
        }
    }
}
