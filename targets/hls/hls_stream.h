// hls_stream.h - a minimal C-simulation stand-in for the vendor's hls::stream
// (qgen --target hls, docs/hls.md). It is copied into an emitted HLS folder
// only as "qg_hls_stream.h" and used only when the vendor header <hls_stream.h>
// is absent (qg_hls.h picks one with __has_include): an unbounded FIFO with
// read / write / empty, enough to run the emitted design's C simulation with
// g++ (layer functions run one after another in C, so a FIFO must hold a whole
// tensor, as the vendor's C-simulation streams do). Not synthesizable itself:
// synthesis always uses the vendor header.
#ifndef QG_HLS_STREAM_H
#define QG_HLS_STREAM_H

#include <cstdio>
#include <cstdlib>
#include <deque>

namespace hls {

template <class T>
class stream {
 public:
  stream() {}
  explicit stream(const char*) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  bool empty() const { return q_.empty(); }
  bool full() const { return false; }
  void write(const T& v) { q_.push_back(v); }
  void operator<<(const T& v) { write(v); }
  T read() {
    if (q_.empty()) {
      // The vendor's C simulation reports a read from an empty stream too: the
      // design read more values than were written (a qgen bug).
      std::fprintf(stderr, "hls::stream (qgen stand-in): read from an empty stream\n");
      std::abort();
    }
    T v = q_.front();
    q_.pop_front();
    return v;
  }
  void operator>>(T& v) { v = read(); }
  bool read_nb(T& v) {
    if (q_.empty()) return false;
    v = read();
    return true;
  }
  size_t size() const { return q_.size(); }

 private:
  std::deque<T> q_;
};

}  // namespace hls

#endif  // QG_HLS_STREAM_H
