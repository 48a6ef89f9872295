# The self-contained libcrm.so that the Python wheel and the NuGet package
# carry (scripts/package.sh, docs/packaging.md): the objects of libcrm.so,
# with every library they use linked in statically (below), so that it
# needs nothing at run time beyond glibc, libstdc++ and libgcc
# (tests/packaging/check_packages.py checks its dynamic section).
#
# Only crm_ symbols leave it (src/capi/exports.map, as for libcrm.so); the
# copies of SQLite, Protocol Buffers, Abseil and the rest inside it are
# hidden, so a host that loads its own (Python's sqlite3, another protobuf)
# gets no clash.
#
# The build against the system's shared libraries (target crm) stays the
# one for development, distributions (the Debian packages) and the
# reliability stage, whose SQLite fault hooks need the shared SQLite.
#
# Defined only when CRM_PIC_DEPENDENCIES names the prefix that
# scripts/packaging/pic_dependencies.sh filled: Debian's static archives of
# Abseil, Protocol Buffers, RE2, libphonenumber and ICU (uc, i18n) are
# compiled for executables and cannot go into a shared library, so those come
# from there, built from Debian's source packages; SQLite, libcrypto, libcsv,
# ICU's data and zlib from Debian's static archives. Include after
# CRM_OBJECTS is defined.
set(CRM_PIC_DEPENDENCIES "" CACHE PATH
    "Prefix of scripts/packaging/pic_dependencies.sh; enables crm_bundled")
if(NOT CRM_PIC_DEPENDENCIES)
  return()
endif()

# Each archive by its file name, so that a shared library of the same name
# is never taken instead.
function(crm_find_static_archive variable name)
  unset(${variable})
  find_library(${variable} NAMES lib${name}.a REQUIRED NO_CACHE ${ARGN})
  set(${variable} ${${variable}} PARENT_SCOPE)
endfunction()

set(CRM_BUNDLED_ARCHIVES)
foreach(name protobuf re2 phonenumber icui18n icuuc)
  crm_find_static_archive(archive ${name} PATHS ${CRM_PIC_DEPENDENCIES}/lib
                          NO_DEFAULT_PATH)
  list(APPEND CRM_BUNDLED_ARCHIVES ${archive})
endforeach()
# Abseil is some 60 archives that use each other; they are linked as one
# group (below), so their order does not matter and the linker takes only
# the members something uses.
file(GLOB CRM_ABSL_ARCHIVES ${CRM_PIC_DEPENDENCIES}/lib/libabsl_*.a)
if(NOT CRM_ABSL_ARCHIVES)
  message(FATAL_ERROR "no libabsl_*.a in ${CRM_PIC_DEPENDENCIES}/lib: run "
                      "scripts/packaging/pic_dependencies.sh first")
endif()
list(APPEND CRM_BUNDLED_ARCHIVES ${CRM_ABSL_ARCHIVES})
foreach(name sqlite3 crypto csv icudata z)
  crm_find_static_archive(archive ${name})
  list(APPEND CRM_BUNDLED_ARCHIVES ${archive})
endforeach()

# self_contained_build.cc marks it as such: it loads no backend plugin (they
# are built against the system's shared Abseil and SQLite).
add_library(crm_bundled SHARED ${CRM_OBJECTS}
  ${CMAKE_CURRENT_SOURCE_DIR}/src/store/self_contained_build.cc)
# Abseil's headers are the system's, like every object's here.
target_include_directories(crm_bundled PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR}/include)
set_target_properties(crm_bundled PROPERTIES
  OUTPUT_NAME crm
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/bundled)
crm_public_library(crm_bundled)
# The archives, and no imported target: those would bring their .so. Their
# own symbols stay local (--exclude-libs), whatever visibility they were
# compiled with.
target_link_libraries(crm_bundled PRIVATE
  -Wl,--start-group ${CRM_BUNDLED_ARCHIVES} -Wl,--end-group
  ${CMAKE_DL_LIBS} m)
target_link_options(crm_bundled PRIVATE -Wl,--exclude-libs,ALL -Wl,--as-needed)
