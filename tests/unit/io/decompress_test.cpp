#include "mlops/io/decompress.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include "mlops/core/error.h"

namespace mlops {
namespace {

std::string gzip(const std::string& text) {
  z_stream stream{};
  deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip header
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3));
  return out;
}

TEST(Decompress, GzipAndZstdAreRecognisedByTheirBytes) {
  const std::string text = "a,b\n1,2\n";
  EXPECT_EQ(detect_compression(gzip(text)), Compression::kGzip);
  EXPECT_EQ(detect_compression(zstd(text)), Compression::kZstd);
  EXPECT_EQ(detect_compression(text), Compression::kNone);
  EXPECT_EQ(decompress(gzip(text), "x.gz"), text);
  EXPECT_EQ(decompress(zstd(text), "x.zst"), text);
  EXPECT_EQ(decompress(text, "x.csv"), text);
}

TEST(Decompress, ConcatenatedMembersAndFramesAreAllRead) {
  EXPECT_EQ(decompress(gzip("one\n") + gzip("two\n"), "x.gz"), "one\ntwo\n");
  EXPECT_EQ(decompress(zstd("one\n") + zstd("two\n"), "x.zst"), "one\ntwo\n");
}

TEST(Decompress, LargeInputSpansManyBuffers) {
  std::string text;
  for (int i = 0; i < 300000; ++i) text += std::to_string(i) + ",x\n";
  EXPECT_EQ(decompress(gzip(text), "big.gz"), text);
  EXPECT_EQ(decompress(zstd(text), "big.zst"), text);
}

TEST(Decompress, TruncatedInputIsADataErrorNamingTheSource) {
  std::string text(100000, 'x');
  std::string gz = gzip(text);
  gz.resize(gz.size() / 2);
  EXPECT_THROW(decompress(gz, "cut.gz"), DataError);
  std::string zs = zstd(text + std::to_string(12345));
  zs.resize(zs.size() - 4);
  try {
    decompress(zs, "cut.zst");
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("cut.zst: ", 0), 0u) << error.what();
  }
}

TEST(Decompress, SuffixIsStrippedForTheFormat) {
  EXPECT_EQ(strip_compression_suffix("data/a.csv.gz"), "data/a.csv");
  EXPECT_EQ(strip_compression_suffix("b.jsonl.zst"), "b.jsonl");
  EXPECT_EQ(strip_compression_suffix("c.json"), "c.json");
}

}  // namespace
}  // namespace mlops
