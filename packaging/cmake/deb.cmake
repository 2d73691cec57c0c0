# The two Debian packages, made by `cpack` in a build folder
# (tests/packaging/deb_test.sh; docs/operations.md):
#   loyalpos  the terminal: the `loyalpos` command (CLI, counter, serve,
#             sync --daemon), its units and the sample café's config
#   journeyd  head office's sync server and its unit
# Only these two components are packaged: the Development component (static
# libraries, headers, the CMake package: packaging/cmake/install.cmake) goes
# into neither.
include(${CMAKE_CURRENT_LIST_DIR}/system_install.cmake)

set(_debian_dir ${PROJECT_SOURCE_DIR}/packaging/debian)
set(LOYALPOS_DEB_RELEASE 1)

# The changelog's newest entry must be the version being packaged.
file(STRINGS ${_debian_dir}/changelog _changelog_top LIMIT_COUNT 1)
set(_deb_version ${PROJECT_VERSION}-${LOYALPOS_DEB_RELEASE})
if(NOT _changelog_top MATCHES "^loyalpos \\(${_deb_version}\\) ")
  message(FATAL_ERROR "packaging/debian/changelog starts with \"${_changelog_top}\": "
    "add an entry for ${_deb_version} (the project version and LOYALPOS_DEB_RELEASE)")
endif()

# One package's maintainer scripts, from the templates in packaging/debian.
# STATE_DIR, CONF_DIR and their modes; UNITS its system units; CONFIG_LINK a
# symbolic link in the data folder to CONFIG_FILE (or none); DATA_WHAT what
# purge says the kept data folder holds.
function(loyalpos_maintainer_scripts PKG)
  cmake_parse_arguments(PARSE_ARGV 1 A ""
    "USER;EXTRA_GROUPS;STATE_DIR;STATE_MODE;CONF_DIR;CONF_MODE;CONFIG_LINK;CONFIG_FILE;BINARY;DATA_WHAT"
    "UNITS")
  foreach(_key USER EXTRA_GROUPS STATE_DIR STATE_MODE CONF_DIR CONF_MODE CONFIG_LINK CONFIG_FILE
      BINARY DATA_WHAT)
    set(PKG_${_key} "${A_${_key}}")
  endforeach()
  list(JOIN A_UNITS " " PKG_UNITS)
  set(_out ${PROJECT_BINARY_DIR}/packaging/debian/${PKG})
  set(_scripts)
  foreach(_script postinst prerm postrm)
    configure_file(${_debian_dir}/${_script}.in ${_out}/${_script} @ONLY
      FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
        WORLD_READ WORLD_EXECUTE)
    list(APPEND _scripts ${_out}/${_script})
  endforeach()
  if(EXISTS ${_debian_dir}/${PKG}.conffiles)
    configure_file(${_debian_dir}/${PKG}.conffiles ${_out}/conffiles COPYONLY)
    list(APPEND _scripts ${_out}/conffiles)
  endif()
  string(TOUPPER ${PKG} _upper)
  set(CPACK_DEBIAN_${_upper}_PACKAGE_CONTROL_EXTRA "${_scripts}" PARENT_SCOPE)
endfunction()

loyalpos_maintainer_scripts(loyalpos
  USER loyalpos EXTRA_GROUPS lp
  STATE_DIR /var/lib/loyalpos STATE_MODE 0750
  CONF_DIR /etc/loyalpos CONF_MODE 0755
  CONFIG_LINK /var/lib/loyalpos/config.toml CONFIG_FILE /etc/loyalpos/loyalpos.toml
  BINARY /usr/bin/loyalpos
  DATA_WHAT "the ledger: the shop's sales, which are financial records"
  UNITS loyalpos-serve.service loyalpos-sync.service)
loyalpos_maintainer_scripts(journeyd
  USER journeyd
  STATE_DIR /var/lib/journeyd STATE_MODE 0700
  CONF_DIR /etc/journeyd CONF_MODE 0750
  BINARY /usr/bin/journeyd
  DATA_WHAT "the chain's events (financial records), its CA and keys"
  UNITS journeyd.service)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME loyalpos)
set(CPACK_PACKAGE_VENDOR "loyalpos")
set(CPACK_PACKAGE_CONTACT "loyalpos maintainers <packages@loyal.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${LOYALPOS_DEB_RELEASE})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL loyalpos journeyd)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: what the binaries link, found by dpkg-shlibdeps (dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_LOYALPOS_PACKAGE_NAME loyalpos)
# Cairo and Pango draw receipts, cards and sheets in DejaVu (Cyrillic too);
# adduser makes the system user.
set(CPACK_DEBIAN_LOYALPOS_PACKAGE_DEPENDS "adduser, fonts-dejavu-core")
set(CPACK_DEBIAN_LOYALPOS_PACKAGE_SUGGESTS "chromium")
set(CPACK_DEBIAN_LOYALPOS_DESCRIPTION "in-store loyalty point of sale for cafés and small shops
loyalpos runs on the cashier terminal: it records every sale and loyalty
stamp offline in SQLite, prices baskets with the café's rules, issues QR
loyalty cards and prints ESC/POS receipts in English or Russian.
.
This package holds the loyalpos command (command line and counter), the
loopback JSON API with the touch counter page (loyalpos-serve.service), the
sync with head office (loyalpos-sync.service) and a kiosk user unit.")

set(CPACK_DEBIAN_JOURNEYD_PACKAGE_NAME journeyd)
set(CPACK_DEBIAN_JOURNEYD_PACKAGE_DEPENDS "adduser, fonts-dejavu-core")
set(CPACK_DEBIAN_JOURNEYD_PACKAGE_SUGGESTS "postgresql")
set(CPACK_DEBIAN_JOURNEYD_DESCRIPTION "head office's sync server for loyalpos terminals
journeyd receives every loyalpos terminal's journey events over HTTPS with
mutual TLS, keeps them in SQLite or PostgreSQL, serves them and the rules and
catalogs head office publishes to the other terminals, and shows the owner's
reports and the customers' card and join pages.
.
This package holds the journeyd command and journeyd.service.")

include(CPack)
