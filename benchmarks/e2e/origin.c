/* origin: the fastest HTTP/1.1 origin we can reasonably write, used as the
 * "physical limit" that every proxy in the end-to-end benchmark sits in front
 * of. One thread, one epoll loop, non-blocking keep-alive sockets, and no
 * parsing beyond finding the end of each request head, so that its own cost
 * stays far below that of any proxy.
 *
 * It answers every request head with the same small 200 response carrying a
 * Content-Length (so proxies can keep both sides alive), and answers pipelined
 * requests in order. Request bodies are not supported: the benchmark sends GET.
 *
 * Usage: origin PORT            (listens on 127.0.0.1 only)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char k_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "Hello, world\n";
#define RESPONSE_LEN (sizeof k_response - 1)

/* A request head larger than this is a client error for this origin; real
 * benchmark heads are well under 1 KiB even after a proxy adds headers. */
#define IN_CAP 16384
/* Room for many pipelined responses; when a burst needs more, the rest waits
 * until the socket drains (the connection stops reading meanwhile). */
#define OUT_CAP 65536

struct conn {
    int fd;
    size_t in_len;
    size_t out_len, out_off;
    size_t scan_from; /* where to resume the search for "\r\n\r\n" */
    int want_out;     /* EPOLLOUT currently registered */
    char in[IN_CAP];
    char out[OUT_CAP];
};

static int g_ep;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void conn_close(struct conn *c) {
    close(c->fd); /* closing removes it from the epoll set */
    free(c);
}

static void set_out_interest(struct conn *c, int want) {
    if (c->want_out == want) return;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(g_ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
    c->want_out = want;
}

/* Returns 0 when the connection stays open, -1 when it was closed. */
static int flush_out(struct conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n > 0) {
            c->out_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            set_out_interest(c, 1);
            return 0;
        }
        conn_close(c);
        return -1;
    }
    c->out_len = c->out_off = 0;
    set_out_interest(c, 0);
    return 0;
}

/* Turns every complete request head in the input buffer into one queued
 * response, stopping early when the output buffer is full. */
static void answer_heads(struct conn *c) {
    size_t consumed = 0;
    for (;;) {
        if (c->out_len + RESPONSE_LEN > OUT_CAP) break;
        size_t from = c->scan_from > consumed + 3 ? c->scan_from - 3 : consumed;
        char *end = memmem(c->in + from, c->in_len - from, "\r\n\r\n", 4);
        if (!end) {
            c->scan_from = c->in_len;
            break;
        }
        memcpy(c->out + c->out_len, k_response, RESPONSE_LEN);
        c->out_len += RESPONSE_LEN;
        consumed = (size_t)(end - c->in) + 4;
        c->scan_from = consumed;
    }
    if (consumed) {
        memmove(c->in, c->in + consumed, c->in_len - consumed);
        c->in_len -= consumed;
        c->scan_from -= consumed;
    }
}

static void on_readable(struct conn *c) {
    for (;;) {
        if (c->out_len) { /* earlier responses still queued: drain before reading more */
            if (flush_out(c) < 0) return;
            if (c->out_len) return;
            answer_heads(c); /* heads left over when the output filled up */
            if (c->out_len) continue;
        }
        if (c->in_len == IN_CAP) { /* no head end within the cap */
            conn_close(c);
            return;
        }
        ssize_t n = read(c->fd, c->in + c->in_len, IN_CAP - c->in_len);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            conn_close(c);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            return; /* EAGAIN: wait for the next event */
        }
        c->in_len += (size_t)n;
        answer_heads(c);
        if (c->out_len && flush_out(c) < 0) return;
        if ((size_t)n < IN_CAP) return; /* a short read drained the socket */
    }
}

static void on_writable(struct conn *c) {
    if (flush_out(c) < 0) return;
    if (c->out_len == 0 && c->in_len) {
        answer_heads(c);
        if (c->out_len) flush_out(c);
    }
}

static void accept_all(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or EMFILE: retried on the next event */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(g_ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl add");
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
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
        /* Each connection appears at most once per batch and is freed only
         * while its own event is handled, so no later event in the batch can
         * point at freed memory. */
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (!c) {
                accept_all(lfd);
                continue;
            }
            if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
                conn_close(c);
                continue;
            }
            if (evs[i].events & EPOLLOUT) {
                /* Any EPOLLIN in the same event is reported again on the
                 * next wait (level-triggered), after the output drained. */
                on_writable(c);
                continue;
            }
            if (evs[i].events & EPOLLIN) on_readable(c);
        }
    }
}
