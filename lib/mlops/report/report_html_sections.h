#pragma once
// The sections of the HTML report, one function each, shared by report_html*.cpp. Each takes
// its part of the report content and returns HTML ("" when there is nothing to show).

#include <nlohmann/json.hpp>
#include <string>

namespace mlops::report_html {

/// A value from the content as escaped text.
std::string text(const nlohmann::json& value);
/// A table cell colored by a status word (ok/passed, warn, anything else as a failure).
std::string status_cell(const std::string& status);

std::string model_section(const nlohmann::json& model, const nlohmann::json& registry);
std::string curve_section(const nlohmann::json& curve);
std::string evaluation_section(const nlohmann::json& evaluation);
std::string importance_section(const nlohmann::json& importance);
std::string data_profile_section(const nlohmann::json& profile);
std::string drift_section(const nlohmann::json& drift);
std::string live_section(const nlohmann::json& live);

}  // namespace mlops::report_html
