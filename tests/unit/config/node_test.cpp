#include "mlops/config/node.h"

#include <gtest/gtest.h>

#include "fake_env.h"
#include "mlops/core/error.h"
#include "support/temp_dir.h"

namespace mlops {
namespace {

using testing::config_error;

TEST(ConfigNode, ParseKeepsFileLineAndColumnOfEachKey) {
  ConfigNode root = parse_yaml("a: 1\nb:\n  c: x\n  d: [p, q]\n", "w.yaml");
  ASSERT_TRUE(root.is_map());
  EXPECT_EQ(root.get("a")->text(), "1");
  EXPECT_EQ(root.get("a")->origin().describe(), "w.yaml:1:1");
  EXPECT_EQ(root.find_path("b.c")->origin().describe(), "w.yaml:3:3");
  const ConfigNode* list = root.find_path("b.d");
  ASSERT_TRUE(list->is_sequence());
  ASSERT_EQ(list->items().size(), 2u);
  EXPECT_EQ(list->items()[1].text(), "q");
  EXPECT_EQ(list->items()[1].origin().describe(), "w.yaml:4:10");
}

TEST(ConfigNode, NullAndQuotedNullDiffer) {
  ConfigNode root = parse_yaml("a: ~\nb:\nc: \"null\"\nd: ''\n", "w.yaml");
  EXPECT_TRUE(root.get("a")->is_null());
  EXPECT_TRUE(root.get("b")->is_null());
  EXPECT_EQ(root.get("c")->text(), "null");
  EXPECT_TRUE(root.get("d")->is_scalar());
  EXPECT_EQ(root.get("d")->text(), "");
}

TEST(ConfigNode, YamlSyntaxErrorNamesFileLineAndColumn) {
  EXPECT_EQ(config_error([] { parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "w.yaml"); }),
            "w.yaml:3:2: end of sequence flow not found");
}

TEST(ConfigNode, InvalidUtf8IsAnErrorNamingLineColumnAndByte) {
  // Found by tests/fuzz/fuzz_contract (corpus/contract/invalid-utf8-value.yaml): the byte
  // reached the contract report and made writing it as JSON throw an internal error.
  const std::string latin1 = std::string("a: 1\nSex: {values: [MALE, ") + '\xB2' + "EMALE]}\n";
  EXPECT_EQ(config_error([&] { parse_yaml(latin1, "c.yaml"); }),
            "c.yaml:2:22: invalid UTF-8 byte 0xB2 (the file must be UTF-8)");
  const std::string utf8 = "Montr\u00e9al";
  EXPECT_EQ(parse_yaml("city: " + utf8 + "\n", "c.yaml").get("city")->text(), utf8);
}

TEST(ConfigNode, ControlCharacterIsAnErrorNamingLineColumnAndByte) {
  // Found by tests/fuzz/fuzz_contract (corpus/contract/nul-before-underscore.yaml): yaml-cpp
  // read "\0_" as the escape \_ and produced the lone byte 0xA0 in a column name.
  const std::string nul = std::string("columns:\n  tem") + '\0' + "_max: {dtype: float64}\n";
  EXPECT_EQ(config_error([&] { parse_yaml(nul, "c.yaml"); }),
            "c.yaml:2:6: control character 0x00 (YAML allows only tab, LF and CR)");
  EXPECT_EQ(parse_yaml("a: \"x\ty\"\r\n", "c.yaml").get("a")->text(), "x\ty");
}

TEST(ConfigNode, NonBreakingSpaceAndNextLineEscapesAreUtf8) {
  // yaml-cpp decodes \_ and \N to the Latin-1 bytes 0xA0 and 0x85; values must be UTF-8.
  const ConfigNode root = parse_yaml("a: \"x\\_y\\Nz\"\n\"k\\_\": 1\n", "c.yaml");
  EXPECT_EQ(root.get("a")->text(), "x\u00a0y\u0085z");
  EXPECT_NE(root.get("k\u00a0"), nullptr);
}

TEST(ConfigNode, DuplicateKeyIsAnError) {
  EXPECT_EQ(config_error([] { parse_yaml("seed: 1\nruns_dir: r\nseed: 2\n", "w.yaml"); }),
            "w.yaml:3:1: duplicate key 'seed' (first set at line 1)");
}

TEST(ConfigNode, MissingFileIsAnError) {
  testing::TempDir dir;
  const std::string path = dir.file("absent.yaml");
  EXPECT_EQ(config_error([&] { load_yaml_file(path); }), path + ": no such file");
}

TEST(ConfigNode, LoadYamlFileNamesThePath) {
  testing::TempDir dir;
  const std::string path = dir.write("w.yaml", "\nname: x\n");
  EXPECT_EQ(load_yaml_file(path).get("name")->origin().describe(), path + ":2:1");
}

TEST(ConfigNode, TypedReadsParseOrNameOriginAndKey) {
  ConfigNode root = parse_yaml("n: 12\nf: 0.5\nb: true\nl: [a, b]\ns: one\nbad: abc\n", "w.yaml");
  EXPECT_EQ(root.get("n")->as_int("n"), 12);
  EXPECT_DOUBLE_EQ(root.get("f")->as_double("f"), 0.5);
  EXPECT_TRUE(root.get("b")->as_bool("b"));
  EXPECT_EQ(root.get("l")->as_string_list("l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(root.get("s")->as_string_list("s"), (std::vector<std::string>{"one"}));
  const ConfigNode& bad = *root.get("bad");
  EXPECT_EQ(config_error([&] { bad.as_int("train.rounds"); }),
            "w.yaml:6:1: key 'train.rounds': expected int, got 'abc'");
  EXPECT_EQ(config_error([&] { bad.as_double("x"); }),
            "w.yaml:6:1: key 'x': expected float, got 'abc'");
  EXPECT_EQ(config_error([&] { bad.as_bool("x"); }),
            "w.yaml:6:1: key 'x': expected bool, got 'abc'");
  EXPECT_EQ(config_error([&] { root.get("l")->as_string("x"); }),
            "w.yaml:4:1: key 'x': expected string, got a list");
}

TEST(ConfigNode, FindPathFollowsDots) {
  ConfigNode root = parse_yaml("train:\n  params:\n    max_depth: 6\n", "w.yaml");
  EXPECT_EQ(root.find_path("train.params.max_depth")->text(), "6");
  EXPECT_EQ(root.find_path("train.params.eta"), nullptr);
  EXPECT_EQ(root.find_path("train.params.max_depth.x"), nullptr);
}

TEST(ConfigNode, SetReplacesInPlaceAndKeepsOrder) {
  ConfigNode root = parse_yaml("a: 1\nb: 2\n", "w.yaml");
  root.set("a", ConfigNode::scalar("9", Origin{"--set a=9"}));
  root.set("c", ConfigNode::scalar("3", Origin{"--set c=3"}));
  ASSERT_EQ(root.entries().size(), 3u);
  EXPECT_EQ(root.entries()[0].first, "a");
  EXPECT_EQ(root.entries()[0].second.text(), "9");
  EXPECT_EQ(root.entries()[2].first, "c");
}

TEST(ConfigNode, MergeMergesMapsAndReplacesEverythingElse) {
  ConfigNode base = parse_yaml("a: {x: 1, y: 2}\nl: [1, 2]\ns: old\n", "base.yaml");
  ConfigNode overlay = parse_yaml("a: {y: 3, z: 4}\nl: [9]\nn: new\n", "top.yaml");
  merge_into(base, overlay);
  EXPECT_EQ(base.find_path("a.x")->text(), "1");
  EXPECT_EQ(base.find_path("a.y")->text(), "3");
  EXPECT_EQ(base.find_path("a.y")->origin().file, "top.yaml");
  EXPECT_EQ(base.find_path("a.z")->text(), "4");
  ASSERT_EQ(base.get("l")->items().size(), 1u);
  EXPECT_EQ(base.get("s")->text(), "old");
  EXPECT_EQ(base.get("n")->text(), "new");
}

TEST(ConfigNode, SecretKeysAreRecognisedInAnyCase) {
  EXPECT_TRUE(is_secret_key("password"));
  EXPECT_TRUE(is_secret_key("DB_PASSWORD"));
  EXPECT_TRUE(is_secret_key("api_key"));
  EXPECT_TRUE(is_secret_key("GithubToken"));
  EXPECT_TRUE(is_secret_key("aws_secret_access_key"));
  EXPECT_FALSE(is_secret_key("path"));
  EXPECT_FALSE(is_secret_key("seed"));
}

TEST(ConfigNode, ToYamlMasksSecretKeysAndUrlPasswords) {
  ConfigNode root = parse_yaml(
      "store:\n  url: postgresql://ml:hunter2@db:5432/mlops\n  password: hunter2\n"
      "credentials: {user: me, key: abc}\n",
      "w.yaml");
  const std::string masked = to_yaml(root, true, false);
  EXPECT_EQ(masked,
            "store:\n  url: postgresql://ml:****@db:5432/mlops\n  password: \"****\"\n"
            "credentials:\n  user: \"****\"\n  key: \"****\"\n");
  EXPECT_EQ(masked.find("hunter2"), std::string::npos);
  EXPECT_NE(to_yaml(root, false, false).find("hunter2"), std::string::npos);
}

TEST(ConfigNode, ToYamlQuotesOnlyWhatNeedsIt) {
  ConfigNode root = parse_yaml(
      "a: plain text\nb: \"x: y\"\nc: \"\"\nd: \"null\"\ne: \"#tag\"\nf: -1\ng: \"- item\"\n"
      "h: \"two\\nlines\"\n",
      "w.yaml");
  EXPECT_EQ(to_yaml(root, false, false),
            "a: plain text\nb: \"x: y\"\nc: \"\"\nd: \"null\"\ne: \"#tag\"\nf: -1\ng: \"- item\"\n"
            "h: \"two\\nlines\"\n");
}

TEST(ConfigNode, ToYamlWritesBlockStyleThatReadsBack) {
  const std::string text =
      "name: w\nfeaturize:\n  transforms:\n    - type: log1p\n      column: x\n"
      "    - type: top_k\n      columns:\n        - a\n        - b\n  drop: []\ntrain: {}\n";
  ConfigNode root = parse_yaml(text, "w.yaml");
  EXPECT_EQ(to_yaml(root, false, false), text);
  EXPECT_EQ(canonical_text(parse_yaml(to_yaml(root, false, false), "again.yaml")),
            canonical_text(root));
}

TEST(ConfigNode, ToYamlExplainAddsOriginToEachValue) {
  ConfigNode root = parse_yaml("seed: 7\nlist: [a]\n", "w.yaml");
  EXPECT_EQ(to_yaml(root, false, true), "seed: 7  # w.yaml:1:1\nlist:\n  - a  # w.yaml:2:8\n");
}

TEST(ConfigNode, CanonicalTextIgnoresOriginsAndKeyOrder) {
  ConfigNode a = parse_yaml("x: 1\ny: [a, b]\n", "one.yaml");
  ConfigNode b = parse_yaml("\n\ny: [a, b]\nx: 1\n", "two.yaml");
  ConfigNode c = parse_yaml("x: 1\ny: [b, a]\n", "one.yaml");
  EXPECT_EQ(canonical_text(a), canonical_text(b));
  EXPECT_NE(canonical_text(a), canonical_text(c));
  EXPECT_EQ(canonical_text(a), R"({"x":"1","y":["a","b"]})");
}

}  // namespace
}  // namespace mlops
