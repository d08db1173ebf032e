// The Prometheus text exposition format, version 0.0.4:
// https://github.com/prometheus/docs/blob/main/content/docs/instrumenting/exposition_formats.md
#include <charconv>
#include <cmath>
#include <limits>

#include "weir/metrics.hpp"

namespace weir {

namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    // Shortest text that reads back as the same double (counters print as
    // integers up to 2^53).
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

// Label values escape backslash, double quote and line feed; HELP text
// escapes backslash and line feed only.
void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"' && quote) out += "\\\"";
    else out += c;
  }
}

// The labels, and for histogram buckets `le` (+Inf prints as "+Inf").
void append_labels(std::string& out, const MetricSample& s, const double* le) {
  if (s.labels.empty() && !le) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : s.labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  }
  if (le) {
    if (!first) out += ',';
    out += "le=\"";
    append_number(out, *le);
    out += '"';
  }
  out += '}';
}

// One line: name[suffix]{labels[,le]} value.
void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const MetricSample& s, double value, const double* le = nullptr) {
  out += name;
  out += suffix;
  append_labels(out, s, le);
  out += ' ';
  append_number(out, value);
  out += '\n';
}

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string prometheus_text(const MetricsSnapshot& snapshot) {
  std::string out;
  out.reserve(4096);
  for (const MetricFamily& f : snapshot.families) {
    out += "# HELP ";
    out += f.name;
    out += ' ';
    append_escaped(out, f.help, false);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += type_name(f.type);
    out += '\n';
    for (const MetricSample& s : f.samples) {
      if (f.type != MetricType::histogram) {
        append_sample(out, f.name, "", s, s.value);
        continue;
      }
      for (size_t i = 0; i < f.bounds.size() && i < s.buckets.size(); ++i)
        append_sample(out, f.name, "_bucket", s, static_cast<double>(s.buckets[i]), &f.bounds[i]);
      const double inf = std::numeric_limits<double>::infinity();
      append_sample(out, f.name, "_bucket", s, s.value, &inf);
      append_sample(out, f.name, "_sum", s, s.sum);
      append_sample(out, f.name, "_count", s, s.value);
    }
  }
  return out;
}

}  // namespace weir
