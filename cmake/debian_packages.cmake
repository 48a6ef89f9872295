# Debian packages of libcrm, made by `cpack -G DEB` in a build directory
# configured for /usr (scripts/package.sh does both):
#
#   libcrm           libcrm.so.<major> and its file, linked to Debian's shared
#                    libraries (its Depends come from dpkg-shlibdeps)
#   libcrm-dev       crm.h, crm.proto, the libcrm.so link, crm.pc, CMake files
#   libcrm-postgres  the PostgreSQL backend's plugin (Depends: libpq5, ...)
#   crm-tools        the crm command-line tool
#
# Each comes with a -dbgsym package holding its separate debug information.
# Their version is the project's.

set(CRM_PACKAGE_MAINTAINER "libcrm maintainers <maintainers@libcrm.invalid>"
    CACHE STRING "The Maintainer field of libcrm's Debian packages")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME libcrm)
set(CPACK_PACKAGE_VENDOR libcrm)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "embeddable CRM engine")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL runtime development postgres tools)
set(CPACK_DEB_COMPONENT_INSTALL ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CRM_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcrm.so of this build, which the plugin and the tool need, is declared
# by the Depends below, not looked up among installed packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_CURRENT_BINARY_DIR})
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
set(CRM_SAME_LIBCRM "libcrm (= ${PROJECT_VERSION})")

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libcrm)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "embeddable CRM engine (shared library)
libcrm keeps customer records with fields defined at run time, an
append-only log of every interaction with the full history of every
record, and answers filters, aggregates, search and point-in-time reads,
in-process, in one SQLite file.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libcrm-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS ${CRM_SAME_LIBCRM})
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION
    "embeddable CRM engine (development files)
The C header crm/crm.h, the wire format crm/crm.proto, pkg-config's crm.pc
and the CMake package crm (find_package(crm), target crm::crm).")

set(CPACK_DEBIAN_POSTGRES_PACKAGE_NAME libcrm-postgres)
set(CPACK_DEBIAN_POSTGRES_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_POSTGRES_PACKAGE_DEPENDS ${CRM_SAME_LIBCRM})
set(CPACK_DEBIAN_POSTGRES_DESCRIPTION
    "embeddable CRM engine (PostgreSQL backend)
The plugin libcrm loads to open workspaces in a PostgreSQL database
(crm_open_url with a postgresql:// URL), through libpq.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME crm-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS ${CRM_SAME_LIBCRM})
set(CPACK_DEBIAN_TOOLS_DESCRIPTION
    "embeddable CRM engine (command-line tool)
crm reads and writes libcrm workspaces from the shell: customers, events,
queries, imports and exports, erasure, merges.")

include(CPack)
