// qgen eval result files: shard ranges, the fingerprint, JSON in and out, merge.
#include "driver/eval_result.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "ir/diag.h"

namespace qg::driver {

namespace {

constexpr const char* kFormat = "qgen-eval-result/1";

bool parse_int(const std::string& s, int64_t* v) {
  if (s.empty() || s.size() > 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  *v = std::stoll(s);
  return true;
}

}  // namespace

ShardSpec parse_shard(const std::string& s) {
  const size_t slash = s.find('/');
  ShardSpec r;
  if (slash == std::string::npos || !parse_int(s.substr(0, slash), &r.index) || !parse_int(s.substr(slash + 1), &r.count))
    user_error("", "--shard", "must be I/N with whole numbers, 0 <= I < N (e.g. 0/4), got '" + message_name(s) + "'");
  if (r.count < 1) user_error("", "--shard", "N must be at least 1, got '" + message_name(s) + "'");
  if (r.index >= r.count)
    user_error("", "--shard", "I must be below N (shards are numbered 0.." + std::to_string(r.count - 1) + "), got '" + message_name(s) + "'");
  return r;
}

void shard_range(const ShardSpec& s, int64_t total, int64_t* begin, int64_t* end) {
  *begin = total * s.index / s.count;
  *end = total * (s.index + 1) / s.count;
}

void Fingerprint::add(const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h_ ^= p[i];
    h_ *= 1099511628211ull;
  }
}

void Fingerprint::add(const std::string& s) {
  const uint64_t n = s.size();
  add(&n, sizeof n);
  add(s.data(), s.size());
}

void Fingerprint::add_file(const std::string& path) {
  if (path.empty()) {
    add(std::string("(none)"));
    return;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) user_error(path, "", "cannot read file");
  add(std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()));
}

std::string Fingerprint::hex() const {
  char b[17];
  std::snprintf(b, sizeof b, "%016" PRIx64, h_);
  return b;
}

std::string eval_result_json(const EvalResult& r) {
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  j["fingerprint"] = r.fingerprint;
  j["model"] = r.model;
  j["evaluated"] = r.what;
  j["shards"] = r.shards;
  j["shard_ids"] = r.shard_ids;
  j["items"] = {{"total", r.total}, {"begin", r.begin}, {"end", r.end}};
  j["top1"] = r.top1;
  j["top5"] = r.top5;
  j["classes"] = r.classes;
  j["class_count"] = r.class_count;
  j["class_top1"] = r.class_top1;
  j["predictions"] = r.pred;
  return j.dump(1) + "\n";
}

EvalResult read_eval_result(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) user_error(path, "", "cannot read file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    user_error(path, "", std::string("is not JSON (") + e.what() + ")");
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != kFormat)
    user_error(path, "/format", std::string("is not a qgen eval result file (expected \"format\": \"") + kFormat + "\")");
  EvalResult r;
  auto get_int = [&](const nlohmann::json& o, const char* key, const std::string& where) {
    if (!o.contains(key) || !o[key].is_number_integer()) user_error(path, where + "/" + key, "missing or not an integer");
    return o[key].get<int64_t>();
  };
  auto get_str = [&](const char* key) {
    if (!j.contains(key) || !j[key].is_string()) user_error(path, std::string("/") + key, "missing or not a string");
    return j[key].get<std::string>();
  };
  auto get_list = [&](const char* key) {
    if (!j.contains(key) || !j[key].is_array()) user_error(path, std::string("/") + key, "missing or not an array");
    std::vector<int64_t> v;
    for (size_t i = 0; i < j[key].size(); ++i) {
      if (!j[key][i].is_number_integer()) user_error(path, std::string("/") + key + "/" + std::to_string(i), "not an integer");
      v.push_back(j[key][i].get<int64_t>());
    }
    return v;
  };
  r.fingerprint = get_str("fingerprint");
  r.model = get_str("model");
  r.what = get_str("evaluated");
  r.shards = get_int(j, "shards", "");
  r.shard_ids = get_list("shard_ids");
  if (!j.contains("items") || !j["items"].is_object()) user_error(path, "/items", "missing or not an object");
  r.total = get_int(j["items"], "total", "/items");
  r.begin = get_int(j["items"], "begin", "/items");
  r.end = get_int(j["items"], "end", "/items");
  r.top1 = get_int(j, "top1", "");
  r.top5 = get_int(j, "top5", "");
  r.classes = get_int(j, "classes", "");
  r.class_count = get_list("class_count");
  r.class_top1 = get_list("class_top1");
  r.pred = get_list("predictions");
  if (r.shards < 1 || r.shard_ids.size() != 1 || r.shard_ids[0] < 0 || r.shard_ids[0] >= r.shards)
    user_error(path, "/shard_ids", "must hold one shard number below \"shards\" (" + std::to_string(r.shards) + ")");
  if (r.begin < 0 || r.begin > r.end || r.end > r.total) user_error(path, "/items", "begin / end / total are inconsistent");
  if (r.classes < 1 || static_cast<int64_t>(r.class_count.size()) != r.classes || static_cast<int64_t>(r.class_top1.size()) != r.classes)
    user_error(path, "/class_count", "class_count and class_top1 must have \"classes\" entries");
  if (static_cast<int64_t>(r.pred.size()) != r.n()) user_error(path, "/predictions", "must have one entry per item (end - begin)");
  int64_t count = 0;
  for (int64_t c : r.class_count) count += c;
  if (count != r.n() || r.top1 < 0 || r.top1 > r.top5 || r.top5 > r.n())
    user_error(path, "/top1", "counts are inconsistent with the item range");
  return r;
}

EvalResult merge_eval_results(const std::vector<std::string>& paths) {
  if (paths.empty()) user_error("", "--merge", "needs at least one result file");
  std::vector<std::pair<EvalResult, std::string>> parts;
  for (const std::string& p : paths) parts.push_back({read_eval_result(p), p});
  const EvalResult& first = parts.front().first;
  const std::string& first_path = parts.front().second;
  for (const auto& [r, p] : parts) {
    if (r.fingerprint != first.fingerprint)
      user_error(p, "/fingerprint",
                 "is " + r.fingerprint + " but " + first_path + " has " + first.fingerprint +
                     ": the shards come from different runs (network, config, calibration, data, preprocessing or mode differ)");
    if (r.shards != first.shards || r.total != first.total || r.classes != first.classes)
      user_error(p, "/shards",
                 "is shard " + std::to_string(r.shard_ids[0]) + " of " + std::to_string(r.shards) + " over " + std::to_string(r.total) + " items but " +
                     first_path + " is one of " + std::to_string(first.shards) + " over " + std::to_string(first.total));
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first.shard_ids[0] < b.first.shard_ids[0]; });
  for (size_t i = 1; i < parts.size(); ++i)
    if (parts[i].first.shard_ids[0] == parts[i - 1].first.shard_ids[0])
      user_error(parts[i].second, "/shard_ids", "shard " + std::to_string(parts[i].first.shard_ids[0]) + " is given twice (also " + parts[i - 1].second + ")");
  if (static_cast<int64_t>(parts.size()) != first.shards) {
    std::string missing;
    size_t k = 0;
    for (int64_t s = 0; s < first.shards; ++s) {
      if (k < parts.size() && parts[k].first.shard_ids[0] == s) {
        ++k;
        continue;
      }
      missing += (missing.empty() ? "" : ", ") + std::to_string(s);
    }
    user_error("", "--merge", "shards " + missing + " of " + std::to_string(first.shards) + " are missing (" + std::to_string(parts.size()) + " of " +
                                  std::to_string(first.shards) + " files given)");
  }
  EvalResult m;
  m.fingerprint = first.fingerprint;
  m.model = first.model;
  m.what = first.what;
  m.total = first.total;
  m.shards = 1;  // a complete result is written as shard 0 of 1, as an unsharded run writes it
  m.shard_ids = {0};
  m.begin = 0;
  m.end = first.total;
  m.classes = first.classes;
  m.class_count.assign(static_cast<size_t>(m.classes), 0);
  m.class_top1.assign(static_cast<size_t>(m.classes), 0);
  int64_t at = 0;
  for (const auto& [r, p] : parts) {
    int64_t b = 0, e = 0;
    shard_range({r.shard_ids[0], r.shards}, r.total, &b, &e);
    if (r.begin != b || r.end != e || r.begin != at)
      user_error(p, "/items", "covers items " + std::to_string(r.begin) + ".." + std::to_string(r.end) + " but shard " +
                                  std::to_string(r.shard_ids[0]) + "/" + std::to_string(r.shards) + " is " + std::to_string(b) + ".." +
                                  std::to_string(e));
    at = r.end;
    m.top1 += r.top1;
    m.top5 += r.top5;
    for (size_t c = 0; c < static_cast<size_t>(m.classes); ++c) m.class_count[c] += r.class_count[c], m.class_top1[c] += r.class_top1[c];
    m.pred.insert(m.pred.end(), r.pred.begin(), r.pred.end());
  }
  return m;
}

}  // namespace qg::driver
