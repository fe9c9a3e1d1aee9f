#include "mlops/io/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include "mlops/core/error.h"
#include "mlops/io/file.h"

namespace mlops {
namespace {

constexpr size_t kChunk = size_t{1} << 20;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string gunzip(std::string_view data, const std::string& source) {
  z_stream stream{};
  // 15 + 32: the largest window, with the gzip or zlib header detected automatically.
  if (inflateInit2(&stream, 15 + 32) != Z_OK) throw InternalError("zlib: inflateInit2 failed");
  std::string out;
  out.reserve(data.size() * 4);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());  // inputs above 4 GiB are not expected
  int status = Z_OK;
  while (true) {
    const size_t before = out.size();
    out.resize(before + kChunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    stream.avail_out = static_cast<uInt>(kChunk);
    status = inflate(&stream, Z_NO_FLUSH);
    out.resize(before + kChunk - stream.avail_out);
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // another gzip member follows (cat a.gz b.gz)
      continue;
    }
    if (status != Z_OK || (stream.avail_in == 0 && stream.avail_out != 0)) break;
  }
  const std::string message = stream.msg ? stream.msg : "";
  inflateEnd(&stream);
  if (status != Z_STREAM_END) {
    throw DataError("{}: corrupt or truncated gzip data{}", source,
                    message.empty() ? "" : ": " + message);
  }
  return out;
}

std::string unzstd(std::string_view data, const std::string& source) {
  ZSTD_DStream* stream = ZSTD_createDStream();
  if (!stream) throw InternalError("zstd: cannot create a decompression stream");
  std::string out;
  const unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size != ZSTD_CONTENTSIZE_UNKNOWN && size != ZSTD_CONTENTSIZE_ERROR) {
    out.reserve(static_cast<size_t>(size));
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t last = 0;
  while (in.pos < in.size) {
    const size_t before = out.size();
    out.resize(before + kChunk);
    ZSTD_outBuffer buffer{out.data() + before, kChunk, 0};
    last = ZSTD_decompressStream(stream, &buffer, &in);
    out.resize(before + buffer.pos);
    if (ZSTD_isError(last)) {
      const std::string reason = ZSTD_getErrorName(last);
      ZSTD_freeDStream(stream);
      throw DataError("{}: corrupt zstd data: {}", source, reason);
    }
  }
  // Drain what the decoder still holds once all input is consumed.
  while (last != 0) {
    const size_t before = out.size();
    out.resize(before + kChunk);
    ZSTD_outBuffer buffer{out.data() + before, kChunk, 0};
    const size_t again = ZSTD_decompressStream(stream, &buffer, &in);
    out.resize(before + buffer.pos);
    if (ZSTD_isError(again) || buffer.pos == 0) break;
    last = again;
  }
  ZSTD_freeDStream(stream);
  if (last != 0) throw DataError("{}: truncated zstd data", source);
  return out;
}

}  // namespace

Compression detect_compression(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return Compression::kGzip;
  }
  if (head.size() >= 4 && head.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

std::string strip_compression_suffix(const std::string& path) {
  for (std::string_view suffix : {".gz", ".zst"}) {
    if (ends_with(path, suffix)) return path.substr(0, path.size() - suffix.size());
  }
  return path;
}

std::string decompress(std::string data, const std::string& source) {
  switch (detect_compression(data)) {
    case Compression::kGzip: return gunzip(data, source);
    case Compression::kZstd: return unzstd(data, source);
    case Compression::kNone: break;
  }
  return data;
}

std::string read_file_decompressed(const std::string& path) {
  return decompress(read_file(path), path);
}

}  // namespace mlops
