# SPDX-License-Identifier: Apache-2.0
# Every external dependency is a Debian package; see scripts/install-deps and docs/building.md.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
# cpp-httplib: the gateway's admin API and the CLI's client of it. Its .pc defines
# CPPHTTPLIB_OPENSSL_SUPPORT (do not define it again).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

# libpg_query ships neither a .pc nor a CMake config.
find_path(PG_QUERY_INCLUDE_DIR pg_query.h REQUIRED)
find_path(PG_QUERY_INTERNAL_INCLUDE_DIR pg_query/pg_query_internal.h HINTS ${PG_QUERY_INCLUDE_DIR} REQUIRED)
find_library(PG_QUERY_LIBRARY pg_query REQUIRED)
add_library(pg_query::pg_query UNKNOWN IMPORTED)
set_target_properties(pg_query::pg_query PROPERTIES
  IMPORTED_LOCATION ${PG_QUERY_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES "${PG_QUERY_INCLUDE_DIR};${PG_QUERY_INTERNAL_INCLUDE_DIR}")

# The PostgreSQL 15 server headers (postgresql-server-dev-15): the node structs of libpg_query's raw
# parse tree, which the analyzer walks. Only core/sql's tree-walking sources get this directory (see
# core/sql/CMakeLists.txt): its headers' macros break ordinary C++. `pg_config --includedir-server`
# may name another major version, so the path is looked up for version 15.
find_path(PG_SERVER_INCLUDE_DIR postgres.h PATH_SUFFIXES postgresql/15/server REQUIRED)

# Standalone Asio is header only. Each I/O thread recycles the memory of finished coroutine frames and
# operations; a statement through the gateway has more of them in flight than Asio's default cache of 2
# per purpose holds, so every statement went to malloc several times. The size must be the same in
# every translation unit (it shapes Asio's per-thread state): it is set here, for all of them.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(asio::asio INTERFACE IMPORTED)
set_target_properties(asio::asio PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES ${ASIO_INCLUDE_DIR}
  INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE;ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=8"
  INTERFACE_LINK_LIBRARIES Threads::Threads)

if(WRIT_BUILD_UI OR WRIT_BUILD_TESTS)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Test Network)
endif()
if(WRIT_BUILD_UI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Gui Widgets Svg SvgWidgets PrintSupport Concurrent Network)
  find_library(QSCINTILLA_LIBRARY qscintilla2_qt6 REQUIRED)
  pkg_check_modules(GVC REQUIRED IMPORTED_TARGET libgvc libcgraph)
endif()
if(WRIT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
