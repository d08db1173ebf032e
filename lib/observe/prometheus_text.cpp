// The Prometheus text exposition format, version 0.0.4:
// https://github.com/prometheus/docs/blob/main/content/docs/instrumenting/exposition_formats.md
#include <charconv>
#include <cmath>

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

void append_labels(std::string& out, const MetricSample& s, std::string_view le = {},
                   double le_value = 0) {
  if (s.labels.empty() && le.empty()) return;
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
  if (!le.empty()) {
    if (!first) out += ',';
    out += "le=\"";
    if (le == "+Inf") out += "+Inf";
    else append_number(out, le_value);
    out += '"';
  }
  out += '}';
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
        out += f.name;
        append_labels(out, s);
        out += ' ';
        append_number(out, s.value);
        out += '\n';
        continue;
      }
      for (size_t i = 0; i < f.bounds.size() && i < s.buckets.size(); ++i) {
        out += f.name;
        out += "_bucket";
        append_labels(out, s, "le", f.bounds[i]);
        out += ' ';
        append_number(out, static_cast<double>(s.buckets[i]));
        out += '\n';
      }
      out += f.name;
      out += "_bucket";
      append_labels(out, s, "+Inf");
      out += ' ';
      append_number(out, s.value);
      out += '\n';
      out += f.name;
      out += "_sum";
      append_labels(out, s);
      out += ' ';
      append_number(out, s.sum);
      out += '\n';
      out += f.name;
      out += "_count";
      append_labels(out, s);
      out += ' ';
      append_number(out, s.value);
      out += '\n';
    }
  }
  return out;
}

}  // namespace weir
