# Helpers that keep every component folder's CMakeLists.txt a few lines long.

# Flags shared by every target of the project.
add_library(mini_flags INTERFACE)
target_include_directories(mini_flags INTERFACE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
target_compile_options(mini_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                            -Wno-missing-field-initializers)
if(MINI_WERROR)
  target_compile_options(mini_flags INTERFACE -Werror)
endif()
if(MINI_SANITIZE)
  target_compile_options(mini_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                              -fno-sanitize-recover=undefined)
  target_link_options(mini_flags INTERFACE -fsanitize=address,undefined)
endif()

# mini_add_library(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# One static library per component folder; <name> becomes target mini_<name>.
function(mini_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(mini_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(mini_${name} PUBLIC mini_flags ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# mini_add_test(<name> SOURCES ... DEPS ...)
# One doctest executable per component; every TEST_CASE becomes its own ctest test.
function(mini_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(test_${name} ${ARG_SOURCES})
  target_link_libraries(test_${name} PRIVATE mini_test_main ${ARG_DEPS})
  # A test case that hangs fails after two minutes instead of holding up the whole run.
  doctest_discover_tests(test_${name} TEST_PREFIX "${name}/" PROPERTIES LABELS unit TIMEOUT 120)
endfunction()
