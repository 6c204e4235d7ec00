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
find_package(PkgConfig REQUIRED)
pkg_check_modules(NLROUTE REQUIRED IMPORTED_TARGET libnl-route-3.0)  # pod and bridged VM networks (libnl-route-3-dev)
include(doctest)  # doctest_discover_tests()

# Asio and Beast are header-only; the definitions below keep their heavy parts out of most
# translation units (only src/net and the API server include them).
add_library(mini_asio INTERFACE)
target_link_libraries(mini_asio INTERFACE Boost::boost OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
target_compile_definitions(mini_asio INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
