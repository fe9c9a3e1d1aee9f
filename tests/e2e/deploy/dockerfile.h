#pragma once
// A Dockerfile read as Docker reads it: stages, instructions (continuation lines joined), COPY,
// the packages of `apt-get install`, and which paths a .dockerignore sends to the build.

#include "deploy/deploy_layout.h"

namespace mlops::testing::deploy {

struct Instruction {
  std::string keyword;  // upper case: FROM, RUN, COPY, ...
  std::string rest;     // the arguments, continuation lines joined
};

struct Stage {
  std::string base;  // FROM's image (or an earlier stage's name)
  std::string name;  // AS name
  std::vector<Instruction> instructions;

  std::vector<std::string> all(const std::string& keyword) const {
    std::vector<std::string> out;
    for (const Instruction& instruction : instructions) {
      if (instruction.keyword == keyword) out.push_back(instruction.rest);
    }
    return out;
  }
  /// The packages of every `apt-get install` in its RUN instructions.
  std::vector<std::string> apt_packages() const {
    std::vector<std::string> out;
    for (const std::string& run : all("RUN")) {
      const std::vector<std::string> tokens = words(run);
      for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (tokens[i] != "apt-get" || tokens[i + 1] != "install") continue;
        for (size_t j = i + 2; j < tokens.size() && tokens[j] != "&&" && tokens[j] != ";"; ++j) {
          if (!tokens[j].starts_with("-")) out.push_back(tokens[j]);
        }
      }
    }
    return out;
  }
};

struct Copy {
  std::string from;  // --from=STAGE, or "" for the build context
  std::vector<std::string> sources;
  std::string destination;
};

inline Copy parse_copy(const std::string& rest) {
  Copy copy;
  std::vector<std::string> args;
  for (const std::string& word : words(rest)) {
    if (word.starts_with("--from=")) {
      copy.from = word.substr(7);
    } else if (!word.starts_with("--")) {
      args.push_back(word);
    }
  }
  if (args.size() < 2) throw std::runtime_error("COPY without a destination: " + rest);
  copy.destination = args.back();
  copy.sources.assign(args.begin(), args.end() - 1);
  return copy;
}

/// The stages of a Dockerfile, in order (the last is the default target).
inline std::vector<Stage> parse_dockerfile(const fs::path& path) {
  std::vector<Stage> stages;
  std::istringstream in(read_text(path));
  std::string logical;
  for (std::string line; std::getline(in, line);) {
    const std::string stripped = trim(line);
    if (logical.empty() && (stripped.empty() || stripped.starts_with("#"))) continue;
    if (!logical.empty() && stripped.starts_with("#")) continue;  // a comment inside a RUN
    if (stripped.ends_with("\\")) {
      logical += stripped.substr(0, stripped.size() - 1) + " ";
      continue;
    }
    logical += stripped;
    const size_t space = logical.find(' ');
    std::string keyword = logical.substr(0, space);
    std::transform(keyword.begin(), keyword.end(), keyword.begin(), ::toupper);
    const std::string rest = space == std::string::npos ? "" : trim(logical.substr(space + 1));
    logical.clear();
    if (keyword == "FROM") {
      const std::vector<std::string> args = words(rest);
      Stage stage;
      stage.base = args.at(0);
      if (args.size() == 3) stage.name = args[2];
      stages.push_back(stage);
    } else {
      if (stages.empty()) throw std::runtime_error(keyword + " before FROM in " + path.string());
      stages.back().instructions.push_back({keyword, rest});
    }
  }
  return stages;
}

inline const Stage& stage_named(const std::vector<Stage>& stages, const std::string& name) {
  for (const Stage& stage : stages) {
    if (stage.name == name) return stage;
  }
  throw std::runtime_error("no stage " + name);
}

/// The stage and the stages it derives from, nearest first.
inline std::vector<const Stage*> stage_chain(const std::vector<Stage>& stages, const Stage& stage) {
  std::vector<const Stage*> chain{&stage};
  for (;;) {
    const auto parent = std::find_if(stages.begin(), stages.end(), [&](const Stage& candidate) {
      return !candidate.name.empty() && candidate.name == chain.back()->base;
    });
    if (parent == stages.end()) return chain;
    chain.push_back(&*parent);
  }
}

/// True when `path` (relative to the context) is sent by a .dockerignore with `patterns`:
/// the last pattern matching it decides; `!` re-includes. Supports `*`, `dir/`, `name`.
inline bool sent_to_build(const std::string& path, const std::vector<std::string>& patterns) {
  bool sent = true;
  std::string clean = path;
  while (clean.ends_with("/")) clean.pop_back();
  for (std::string pattern : patterns) {
    const bool include = pattern.starts_with("!");
    if (include) pattern = pattern.substr(1);
    while (pattern.ends_with("/")) pattern.pop_back();
    const bool matches = pattern == "*" || clean == pattern || clean.starts_with(pattern + "/");
    if (matches) sent = include;
  }
  return sent;
}

inline std::vector<std::string> ignore_patterns(const fs::path& file) {
  std::vector<std::string> out;
  std::istringstream in(read_text(file));
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty() && !line.starts_with("#")) out.push_back(line);
  }
  return out;
}

}  // namespace mlops::testing::deploy
