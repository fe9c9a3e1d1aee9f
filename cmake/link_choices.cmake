# How mlops links its libraries, chosen for start-up time: every command pays, before main(),
# for mapping each shared library it links and for looking symbols up across all of them
# (docs/architecture.md, "Heavy libraries load on first use"). Included by lib/CMakeLists.txt.

# XGBoost, librdkafka, libcurl and libpq are opened with dlopen by the commands that use them
# (core/shared_library.h): only their headers are build dependencies, so the executable does
# not load them (and their ~30 dependencies: OpenMP, TLS, SASL, Kerberos) at every start.
function(mlops_headers_only name from)
  get_target_property(include_dirs ${from} INTERFACE_INCLUDE_DIRECTORIES)
  add_library(${name} INTERFACE)
  if(include_dirs)
    target_include_directories(${name} SYSTEM INTERFACE ${include_dirs})
  endif()
endfunction()

# The small libraries every command loads come from Debian's static archives when installed
# (the -dev packages ship them), else from the shared library: `shared` (a target or a file)
# and, with the archive, the libraries the archive itself needs (ARGN).
option(MLOPS_STATIC_DEPS "Link zlib, zstd, xxhash, SQLite and yaml-cpp statically when possible"
       ON)
function(mlops_prefer_static name archive shared)
  add_library(${name} INTERFACE)
  find_library(${name}_ARCHIVE NAMES ${archive})
  if(MLOPS_STATIC_DEPS AND ${name}_ARCHIVE)
    target_link_libraries(${name} INTERFACE ${${name}_ARCHIVE} ${ARGN})
    if(TARGET ${shared})
      get_target_property(include_dirs ${shared} INTERFACE_INCLUDE_DIRECTORIES)
      if(include_dirs)
        target_include_directories(${name} SYSTEM INTERFACE ${include_dirs})
      endif()
    endif()
  else()
    target_link_libraries(${name} INTERFACE ${shared})
  endif()
endfunction()

find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)

mlops_headers_only(mlops_xgboost_headers xgboost::xgboost)
mlops_headers_only(mlops_curl_headers CURL::libcurl)
mlops_headers_only(mlops_rdkafka_headers PkgConfig::RDKAFKA)
# libpq (the PostgreSQL stores, store/postgres/) is opened the same way: it brings TLS,
# Kerberos and LDAP, which a command on a SQLite store never needs.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
mlops_headers_only(mlops_libpq_headers PkgConfig::LIBPQ)

mlops_prefer_static(mlops_zlib libz.a ZLIB::ZLIB)
mlops_prefer_static(mlops_zstd libzstd.a PkgConfig::ZSTD Threads::Threads)
mlops_prefer_static(mlops_xxhash libxxhash.a ${XXHASH_LIBRARY})
mlops_prefer_static(mlops_sqlite libsqlite3.a SQLite::SQLite3 m ${CMAKE_DL_LIBS} Threads::Threads)
mlops_prefer_static(mlops_yaml libyaml-cpp.a yaml-cpp)

# hiredis: the Redis online store's client (store/redis/); small, so linked like SQLite.
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
mlops_prefer_static(mlops_hiredis libhiredis.a PkgConfig::HIREDIS)

# cpp-httplib: `mlops serve`'s HTTP server (serve/), and the tests' HTTP servers and clients.
# Debian ships it compiled (its header declares, the shared library defines), with its
# OpenSSL, zlib and brotli options in the pkg-config flags the header's layout depends on.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)
