// Parsing the JSON of a user file (net.json, quant.json). Every problem is a
// user error naming `label`:
//   syntax errors               "line L, column C: ..." (nlohmann's message)
//   numbers beyond double range "line L, column C: number overflow ..." (1e400)
//   duplicate keys              the JSON path of the second occurrence: a
//                               repeated key is refused, not "last one wins".
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace qg {

nlohmann::json parse_user_json(const std::string& text, const std::string& label);

}  // namespace qg
