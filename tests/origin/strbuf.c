#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct strbuf *sb) { memset(sb, 0, sizeof *sb); }

void sb_free(struct strbuf *sb) {
  free(sb->data);
  sb_init(sb);
}

static int reserve(struct strbuf *sb, size_t extra) {
  if (sb->failed) return -1;
  if (sb->len + extra + 1 <= sb->cap) return 0;
  size_t ncap = sb->cap ? sb->cap : 256;
  while (ncap < sb->len + extra + 1) ncap *= 2;
  char *nd = realloc(sb->data, ncap);
  if (!nd) {
    sb->failed = 1;
    return -1;
  }
  sb->data = nd;
  sb->cap = ncap;
  return 0;
}

void sb_append(struct strbuf *sb, const char *data, size_t len) {
  if (reserve(sb, len) < 0) return;
  memcpy(sb->data + sb->len, data, len);
  sb->len += len;
  sb->data[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s) { sb_append(sb, s, strlen(s)); }

void sb_printf(struct strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || reserve(sb, (size_t)n) < 0) return;
  va_start(ap, fmt);
  vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb->len += (size_t)n;
}

void sb_json_string(struct strbuf *sb, const char *s, size_t len) {
  sb_append(sb, "\"", 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') {
      char esc[2] = {'\\', (char)ch};
      sb_append(sb, esc, 2);
    } else if (ch < 0x20 || ch >= 0x7f) {
      sb_printf(sb, "\\u%04x", ch);
    } else {
      sb_append(sb, (const char *)&ch, 1);
    }
  }
  sb_append(sb, "\"", 1);
}
