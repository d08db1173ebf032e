// A growable byte string for building response bodies (JSON).
#pragma once

#include <stddef.h>

struct strbuf {
  char *data;
  size_t len;
  size_t cap;
  int failed;  // set when memory ran out; later appends are ignored
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_append(struct strbuf *sb, const char *data, size_t len);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Appends a JSON string literal; bytes >= 0x80 become \u00XX (Latin-1), so
// any byte sequence round-trips through a JSON parser.
void sb_json_string(struct strbuf *sb, const char *s, size_t len);
