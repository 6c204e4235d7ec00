# The version comes from project(); the commit is read from git when the tree is a checkout.
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                OUTPUT_VARIABLE MINI_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE git_result)
if(NOT git_result EQUAL 0 OR MINI_GIT_COMMIT STREQUAL "")
  set(MINI_GIT_COMMIT "unknown")
endif()
# Re-run configure when HEAD moves, so `mini version` never reports a stale commit.
if(EXISTS ${PROJECT_SOURCE_DIR}/.git/HEAD)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/.git/HEAD)
  file(READ ${PROJECT_SOURCE_DIR}/.git/HEAD git_head)
  if(git_head MATCHES "^ref: (.*)\n" AND EXISTS ${PROJECT_SOURCE_DIR}/.git/${CMAKE_MATCH_1})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/.git/${CMAKE_MATCH_1})
  endif()
endif()
