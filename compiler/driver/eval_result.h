// Result files of `qgen eval --result` / `--shard I/N` and their merge
// (`qgen eval --merge`): the counts one evaluation aggregates over a
// contiguous range of items, with a fingerprint of what was evaluated (the
// network, precision and calibration files, the data items and labels, the
// preprocessing and the mode) so shards of different runs are refused.
// docs/eval.md, "Sharding".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qg::driver {

// "I/N" with 0 <= I < N (0-based, as a Slurm array index or a Kubernetes
// indexed Job's completion index). UserError on anything else.
struct ShardSpec {
  int64_t index = 0, count = 1;
};
ShardSpec parse_shard(const std::string& s);

// Items [begin, end) of shard I of N over `total` items: contiguous blocks,
// sizes differ by at most one.
void shard_range(const ShardSpec& s, int64_t total, int64_t* begin, int64_t* end);

// 64-bit FNV-1a over bytes, as 16 hex digits (a fingerprint, not a
// cryptographic hash).
class Fingerprint {
 public:
  void add(const void* data, size_t n);
  void add(const std::string& s);       // length-prefixed, so fields cannot run into each other
  void add_file(const std::string& path);  // the file's bytes ("" = no file); UserError if unreadable
  std::string hex() const;

 private:
  uint64_t h_ = 1469598103934665603ull;
};

struct EvalResult {
  std::string fingerprint;         // of net, config, calibration, data, preprocessing, mode
  std::string model, what;         // for the report: model name, "float" / "config FILE"
  int64_t total = 0;               // items in the whole data set
  int64_t shards = 1;              // N
  std::vector<int64_t> shard_ids;  // shards this result covers (sorted)
  int64_t begin = 0, end = 0;      // items covered: [begin, end) of a single shard, or 0..total when merged
  int64_t top1 = 0, top5 = 0;
  int64_t classes = 0;
  std::vector<int64_t> class_count, class_top1;  // per label
  std::vector<int64_t> pred;                     // argmax per covered item, in order
  int64_t n() const { return end - begin; }
};

std::string eval_result_json(const EvalResult& r);
EvalResult read_eval_result(const std::string& path);  // UserError naming the file and JSON path

// Combines the shard files of one run into the result a single unsharded run
// gives. UserError (naming the file) on different fingerprints, shard counts,
// a duplicate shard, or missing shards.
EvalResult merge_eval_results(const std::vector<std::string>& paths);

}  // namespace qg::driver
