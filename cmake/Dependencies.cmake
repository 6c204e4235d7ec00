# Every dependency comes from a Debian package that scripts/setup installs.
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED COMPONENTS json filesystem CONFIG)
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(doctest REQUIRED)
find_package(SQLite3 REQUIRED)  # the embedded datastore (libsqlite3-dev)
find_package(LibArchive 3.6 REQUIRED)  # image archives and layers (libarchive-dev)
# Linked statically: the shared library depends on libxml2 (for the xar format, which mini never
# reads) and through it on ICU, 34 MiB that every guest would carry in its RAM-backed initramfs.
# From the static archive the linker takes only the formats and filters mini calls; libxml2
# stays listed for programs whose formats do reach it (writing tar pulls in libarchive's table
# of every writer), and --as-needed drops it from those that do not, mini among them.
find_library(LIBARCHIVE_STATIC libarchive.a REQUIRED)
set_target_properties(LibArchive::LibArchive PROPERTIES
  IMPORTED_LOCATION "${LIBARCHIVE_STATIC}"
  INTERFACE_LINK_LIBRARIES "nettle;acl;lzma;zstd;lz4;bz2;z;xml2")
add_link_options(LINKER:--as-needed)
find_package(PkgConfig REQUIRED)
pkg_check_modules(NLROUTE REQUIRED IMPORTED_TARGET libnl-route-3.0)  # pod and bridged VM networks (libnl-route-3-dev)
include(doctest)  # doctest_discover_tests()

# Asio and Beast are header-only; the definitions below keep their heavy parts out of most
# translation units (only src/net and the API server include them).
add_library(mini_asio INTERFACE)
target_link_libraries(mini_asio INTERFACE Boost::boost OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
target_compile_definitions(mini_asio INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
