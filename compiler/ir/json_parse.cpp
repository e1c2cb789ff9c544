#include "ir/json_parse.h"

#include <set>
#include <vector>

#include "ir/diag.h"

namespace qg {
namespace {
using json = nlohmann::json;
using Base = nlohmann::detail::json_sax_dom_parser<json>;

// The DOM builder of json::parse plus a path stack for duplicate keys and
// positions for errors that nlohmann reports without one.
class Sax : public Base {
 public:
  Sax(json& dom, const std::string& text, const std::string& label) : Base(dom, true), text_(text), label_(label) {}

  bool null() { return value(Base::null()); }
  bool boolean(bool v) { return value(Base::boolean(v)); }
  bool number_integer(json::number_integer_t v) { return value(Base::number_integer(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return value(Base::number_unsigned(v)); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return value(Base::number_float(v, s)); }
  bool string(json::string_t& v) { return value(Base::string(v)); }
  bool binary(json::binary_t& v) { return value(Base::binary(v)); }
  bool start_object(std::size_t n) {
    frames_.push_back({false, 0, {}, {}});
    return Base::start_object(n);
  }
  bool key(json::string_t& k) {
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(k).second) user_error(label_, path(), "duplicate key (each key may appear once per object)");
    return Base::key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return value(Base::end_object());
  }
  bool start_array(std::size_t n) {
    frames_.push_back({true, 0, {}, {}});
    return Base::start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return value(Base::end_array());
  }
  template <class Exception>
  bool parse_error(std::size_t pos, const std::string& /*token*/, const Exception& ex) {
    std::string what = ex.what();
    const auto p = what.find("parse error");
    if (p != std::string::npos) user_error(label_, "", "invalid JSON: " + what.substr(p));
    // Other parser errors (out_of_range.406: a number beyond double range) carry no position.
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    const auto b = what.find("] ");
    user_error(label_, "",
               "invalid JSON: line " + std::to_string(line) + ", column " + std::to_string(col) + ": " +
                   (b == std::string::npos ? what : what.substr(b + 2)) +
                   (what.find("number overflow") != std::string::npos ? " (beyond the range of a double)" : ""));
  }

 private:
  struct Frame {
    bool array;
    size_t index;
    std::set<std::string> keys;
    std::string key;
  };
  std::vector<Frame> frames_;
  const std::string& text_;
  const std::string& label_;

  // A value finished: the enclosing array moves to its next element.
  bool value(bool ok) {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return ok;
  }
  std::string path() const {
    std::string s;
    for (const Frame& f : frames_) {
      if (f.array)
        s += "[" + std::to_string(f.index) + "]";
      else
        s += (s.empty() ? "" : ".") + printable_name(f.key);
    }
    return s;
  }
};
}  // namespace

nlohmann::json parse_user_json(const std::string& text, const std::string& label) {
  json root;
  Sax sax(root, text, label);
  json::sax_parse(text, &sax);
  return root;
}

}  // namespace qg
