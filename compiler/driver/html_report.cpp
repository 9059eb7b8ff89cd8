// The HTML report page: data as inline JSON, drawn by an inline script with DOM text nodes (no markup from data).
#include "compiler/driver/html_report.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace rulec::driver {

namespace {

// Inline, so the page needs nothing but itself: a copied report opens anywhere, offline.
constexpr const char* kStyle = R"CSS(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.facts{color:#5a6275;margin:0;padding:0;list-style:none}
table{border-collapse:collapse;width:100%}th,td{padding:3px 8px;text-align:left;border-bottom:1px solid #e4e7ee;
white-space:nowrap}th{cursor:pointer;user-select:none;background:#f4f6fa}th.sorted::after{content:" \25BE"}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.name{white-space:normal;max-width:420px}
.track{display:inline-block;width:180px;height:10px;background:#eef0f5;vertical-align:middle;margin-right:6px}
.bar{display:block;height:10px;background:#3f7fd9}.bar.estimate{background:#8a6bd1}.bar.ceiling{background:#9aa3b5}
tr.flagged td{background:#fff1f0}td.note{color:#5a6275;white-space:normal}tr.flagged td.note{color:#b3261e}
#errors{color:#b3261e;white-space:pre-wrap}
)CSS";

constexpr const char* kScript = R"JS(
(function () {
  var errors = document.getElementById('errors');
  window.onerror = function (msg) { errors.textContent += msg + '\n'; document.body.dataset.rendered = 'error'; };
  var data = JSON.parse(document.getElementById('report-data').textContent);
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmt(v, digits) {
    if (v === undefined || v === null) return '';
    return Number(v).toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: digits});
  }
  function bar(value, max, cls) {
    var track = el('span', 'track'), b = el('span', 'bar' + (cls ? ' ' + cls : ''));
    b.style.width = (max > 0 ? Math.max(0.5, 100 * value / max) : 0) + '%';
    track.appendChild(b);
    return track;
  }
  document.title = data.title;
  document.getElementById('title').textContent = data.title;
  var facts = document.getElementById('facts');
  data.facts.forEach(function (f) { facts.appendChild(el('li', null, f)); });

  var tp = document.getElementById('throughput');
  if (data.throughput.length) {
    var maxEps = Math.max.apply(null, data.throughput.map(function (t) { return t.events_per_s; }));
    var table = el('table'), head = el('tr');
    ['', 'events/s', 'MB/s', 'ns/event', 'of the parse ceiling'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    data.throughput.forEach(function (t, i) {
      var tr = el('tr', 'throughput-row');
      tr.appendChild(el('td', null, t.name));
      var c = el('td', 'num');
      c.appendChild(bar(t.events_per_s, maxEps, i === 0 ? 'ceiling' : ''));
      c.appendChild(document.createTextNode(fmt(t.events_per_s, 0)));
      tr.appendChild(c);
      tr.appendChild(el('td', 'num', fmt(t.mb_per_s, 1)));
      tr.appendChild(el('td', 'num', fmt(t.ns_per_event, 0)));
      tr.appendChild(el('td', 'num', fmt(t.percent_of_raw, 1) + '%'));
      table.appendChild(tr);
    });
    tp.appendChild(el('h2', null, 'Throughput against the parse ceiling (raw simdjson, same run)'));
    tp.appendChild(table);
  }

  var rules = data.rules;
  var cols = [
    {key: 'name', title: 'rule', text: true},
    {key: 'type', title: 'type', text: true},
    {key: 'measured_ns', title: 'measured ns/event', bar: ''},
    {key: 'worst', title: 'worst cost (bit tests)', bar: 'estimate'},
    {key: 'expected', title: 'expected cost', digits: 1},
    {key: 'matches', title: 'matches', digits: 0},
    {key: 'alerts', title: 'alerts', digits: 0},
    {key: 'note', title: 'note', text: true}
  ].filter(function (c) { return rules.some(function (r) { return r[c.key] !== undefined && r[c.key] !== ''; }); });
  var max = {};
  cols.forEach(function (c) { max[c.key] = Math.max.apply(null, [0].concat(rules.map(function (r) { return r[c.key] || 0; }))); });
  var section = document.getElementById('rules');
  section.appendChild(el('h2', null, 'Rules (' + rules.length + ')'));
  var table = el('table'), head = el('tr'), body = el('tbody');
  table.id = 'rule-table';
  cols.forEach(function (c) {
    var th = el('th', null, c.title);
    th.onclick = function () { sortBy(c, th); };
    head.appendChild(th);
  });
  table.appendChild(head);
  table.appendChild(body);
  section.appendChild(table);
  function draw() {
    body.textContent = '';
    rules.forEach(function (r) {
      var tr = el('tr', 'rule-row' + (r.flagged ? ' flagged' : ''));
      tr.dataset.ruleId = r.rule_id;
      cols.forEach(function (c) {
        var v = r[c.key];
        if (c.text) { tr.appendChild(el('td', c.key === 'name' ? 'name' : (c.key === 'note' ? 'note' : null), v)); return; }
        var td = el('td', 'num');
        if (c.bar !== undefined && v !== undefined) td.appendChild(bar(v, max[c.key], c.bar));
        td.appendChild(document.createTextNode(fmt(v, c.digits !== undefined ? c.digits : 1)));
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  function sortBy(c, th) {
    var sign = th.classList.contains('sorted') ? -1 : 1;
    Array.prototype.forEach.call(head.children, function (h) { h.classList.remove('sorted'); });
    if (sign === 1) th.classList.add('sorted');
    rules.sort(function (a, b) {
      var x = a[c.key], y = b[c.key];
      if (c.text) return sign * String(x || '').localeCompare(String(y || ''));
      return sign * ((y || 0) - (x || 0));
    });
    draw();
  }
  draw();
  if (document.body.dataset.rendered !== 'error') document.body.dataset.rendered = 'ok';
})();
)JS";

nlohmann::json to_json(const Report& r) {
  nlohmann::json j;
  j["title"] = r.title;
  j["facts"] = r.facts;
  j["throughput"] = nlohmann::json::array();
  for (const auto& t : r.throughput)
    j["throughput"].push_back({{"name", t.name}, {"events", t.events}, {"events_per_s", t.events_per_s},
                               {"mb_per_s", t.mb_per_s}, {"ns_per_event", t.ns_per_event},
                               {"percent_of_raw", t.percent_of_raw}});
  j["rules"] = nlohmann::json::array();
  for (const auto& x : r.rules) {
    nlohmann::json o{{"rule_id", x.rule_id}, {"name", x.name}, {"type", x.type}, {"flagged", x.flagged}};
    if (!x.note.empty()) o["note"] = x.note;
    if (x.measured_ns) o["measured_ns"] = *x.measured_ns;
    if (x.worst) o["worst"] = *x.worst;
    if (x.expected) o["expected"] = *x.expected;
    if (x.matches) o["matches"] = *x.matches;
    if (x.alerts) o["alerts"] = *x.alerts;
    j["rules"].push_back(std::move(o));
  }
  return j;
}

}  // namespace

std::string render_html_report(const Report& report) {
  // Inside <script>, "</script" would end the element and "<!--" or "<script" change how it is
  // parsed: every '<' (only ever inside JSON strings) is written as the escape \u003c.
  const std::string data = to_json(report).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(data.size());
  for (char c : data) {
    if (c == '<') safe += "\\u003c";
    else safe += c;
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'unsafe-inline'\">\n<title>rulec report</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<h1 id=\"title\"></h1>\n<ul class=\"facts\" id=\"facts\"></ul>\n<div id=\"errors\"></div>\n"
      "<section id=\"throughput\"></section>\n<section id=\"rules\"></section>\n"
      "<script type=\"application/json\" id=\"report-data\">{}</script>\n<script>{}</script>\n</body>\n</html>\n",
      kStyle, safe, kScript);
}

bool write_report(const std::string& path, const std::string& html) {
  std::FILE* f = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (!f) {
    fmt::print(stderr, "rulec: cannot write the report {}: {}\n", path, std::strerror(errno));
    return false;
  }
  const bool wrote = std::fwrite(html.data(), 1, html.size(), f) == html.size();
  const bool closed = f == stdout ? std::fflush(f) == 0 : std::fclose(f) == 0;
  if (!wrote || !closed) {
    fmt::print(stderr, "rulec: cannot write the report {}: {}\n", path, std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace rulec::driver
