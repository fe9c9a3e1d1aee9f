// to_yaml (for `config show`) and canonical_text (for the config hash).

#include <algorithm>
#include <string>

#include "mlops/config/mask.h"
#include "mlops/config/node.h"

namespace mlops {
namespace {

using config_detail::double_quote;
using config_detail::kMask;

bool is_plain_safe(std::string_view text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return false;  // would read back as null
  }
  if (text.front() == ' ' || text.back() == ' ' || text.back() == ':') return false;
  static constexpr std::string_view kIndicators = "!&*{}[],#|>@`\"'%";
  if (kIndicators.find(text.front()) != std::string_view::npos) return false;
  if ((text.front() == '-' || text.front() == '?' || text.front() == ':') &&
      (text.size() == 1 || text[1] == ' ')) {
    return false;
  }
  if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos) {
    return false;
  }
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string yaml_text(std::string_view text) {
  return is_plain_safe(text) ? std::string(text) : double_quote(text);
}

class YamlWriter {
 public:
  YamlWriter(bool mask_secrets, bool explain) : mask_(mask_secrets), explain_(explain) {}

  void map(const ConfigNode& node, int indent, bool secret) {
    for (const auto& [key, value] : node.entries()) {
      out_.append(indent, ' ');
      out_ += yaml_text(key);
      out_ += ':';
      after_key(value, indent, secret || is_secret_key(key));
    }
  }

  void sequence(const ConfigNode& node, int indent, bool secret) {
    for (const auto& item : node.items()) {
      out_.append(indent, ' ');
      out_ += "-";
      if (is_block(item)) {
        // Write the item as a block two columns in, then pull its first line up behind "- ".
        YamlWriter nested(mask_, explain_);
        nested.block(item, indent + 2, secret);
        out_ += ' ';
        out_.append(nested.out_, indent + 2);
      } else {
        inline_value(item, secret);
      }
    }
  }

  void block(const ConfigNode& node, int indent, bool secret) {
    if (node.is_map()) map(node, indent, secret);
    if (node.is_sequence()) sequence(node, indent, secret);
  }

  void inline_value(const ConfigNode& node, bool secret) {
    if (node.is_map()) {
      out_ += " {}\n";
    } else if (node.is_sequence()) {
      out_ += " []\n";
    } else {
      out_ += ' ';
      out_ += scalar_text(node, secret);
      if (explain_) out_ += "  # " + node.origin().describe();
      out_ += "\n";
    }
  }

  std::string take() { return std::move(out_); }

 private:
  static bool is_block(const ConfigNode& node) {
    return (node.is_map() && !node.entries().empty()) ||
           (node.is_sequence() && !node.items().empty());
  }

  void after_key(const ConfigNode& value, int indent, bool secret) {
    if (!is_block(value)) return inline_value(value, secret);
    out_ += "\n";
    block(value, indent + 2, secret);
  }

  std::string scalar_text(const ConfigNode& node, bool secret) const {
    if (node.is_null()) return "null";
    if (!mask_) return yaml_text(node.text());
    if (secret) return yaml_text(kMask);
    return yaml_text(config_detail::mask_text(node.text()));
  }

  bool mask_;
  bool explain_;
  std::string out_;
};

void write_canonical(const ConfigNode& node, bool secret, std::string& out) {
  switch (node.kind()) {
    case ConfigNode::Kind::kNull: out += "null"; return;
    case ConfigNode::Kind::kScalar:
      out += double_quote(secret ? std::string(kMask)
                                 : config_detail::mask_text(node.text()));
      return;
    case ConfigNode::Kind::kSequence: {
      out += "[";
      for (size_t i = 0; i < node.items().size(); ++i) {
        if (i > 0) out += ",";
        write_canonical(node.items()[i], secret, out);
      }
      out += "]";
      return;
    }
    case ConfigNode::Kind::kMap: {
      // Sorted keys: the hash must not change when a file merely reorders its keys.
      std::vector<const std::pair<std::string, ConfigNode>*> entries;
      for (const auto& entry : node.entries()) entries.push_back(&entry);
      std::sort(entries.begin(), entries.end(),
                [](const auto* a, const auto* b) { return a->first < b->first; });
      out += "{";
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += ",";
        out += double_quote(entries[i]->first) + ":";
        write_canonical(entries[i]->second, secret || is_secret_key(entries[i]->first), out);
      }
      out += "}";
      return;
    }
  }
}

}  // namespace

std::string to_yaml(const ConfigNode& node, bool mask_secrets, bool explain) {
  YamlWriter writer(mask_secrets, explain);
  if (node.is_map() && !node.entries().empty()) {
    writer.map(node, 0, false);
    return writer.take();
  }
  if (node.is_sequence() && !node.items().empty()) {
    writer.sequence(node, 0, false);
    return writer.take();
  }
  writer.inline_value(node, false);
  return writer.take().substr(1);  // no key before it, so drop the separating space
}

std::string canonical_text(const ConfigNode& node) {
  // Secrets are masked here too: the hash is recorded in manifests and a hash of a short
  // password can be brute-forced; rotating a password should not invalidate cached stages.
  std::string out;
  write_canonical(node, false, out);
  return out;
}

}  // namespace mlops
