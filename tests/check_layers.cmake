# The layering rule of docs/architecture.md, checked on the sources: core < io < plots < cli and
# python (the bindings, beside the CLI: neither includes the other), and no file includes a header
# of a higher layer. The core also takes and returns data only: no
# console, file or machine access (those belong to io and cli).
#   cmake -DSOURCE_DIR=<repository> -P tests/check_layers.cmake
cmake_policy(SET CMP0007 NEW)
set(layers core io plots cli python)
set(failures "")

function(layer_rank name out)
  list(FIND layers "${name}" rank)
  set(${out} ${rank} PARENT_SCOPE)
endfunction()

foreach(layer IN LISTS layers)
  layer_rank(${layer} own_rank)
  file(GLOB_RECURSE files "${SOURCE_DIR}/src/${layer}/*" "${SOURCE_DIR}/include/spikernn/${layer}/*")
  if(NOT files)
    list(APPEND failures "no files in layer '${layer}'")
  endif()
  foreach(file IN LISTS files)
    file(STRINGS "${file}" includes REGEX "^#include [\"<]")
    foreach(line IN LISTS includes)
      # "spikernn/<layer>/x.hpp" (public) or "<layer>/x.hpp" (another layer's private header)
      if(line MATCHES "^#include [\"<](spikernn/)?(core|io|plots|cli|python)/")
        layer_rank(${CMAKE_MATCH_2} included_rank)
        if(included_rank GREATER own_rank OR (layer STREQUAL "python" AND CMAKE_MATCH_2 STREQUAL "cli"))
          list(APPEND failures "${file}: ${layer} includes ${CMAKE_MATCH_2}: ${line}")
        endif()
      elseif(line MATCHES "^#include [\"<]spikernn/[a-z_]+\\.hpp[\">]")
        list(APPEND failures "${file}: includes a header outside the layers: ${line}")
      endif()
    endforeach()
    if(layer STREQUAL "core")
      file(STRINGS "${file}" side_effects
           REGEX "std::(cout|cerr|clog|ofstream|ifstream|fstream)|printf\\(|fopen\\(|/proc/|create_directories|<matio|<plplot|<CLI/")
      foreach(line IN LISTS side_effects)
        list(APPEND failures "${file}: the core does no I/O: ${line}")
      endforeach()
    endif()
  endforeach()
endforeach()

if(failures)
  list(JOIN failures "\n  " text)
  message(FATAL_ERROR "layering violations:\n  ${text}")
endif()
message(STATUS "layers: core < io < plots < cli, python hold")
