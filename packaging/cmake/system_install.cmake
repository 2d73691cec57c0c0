# What the two Debian packages install besides the executables (each
# executable's own CMakeLists installs it in its component): the systemd
# units, the sample café's config as /etc/loyalpos/loyalpos.toml, and the
# documentation folder (changelog, copyright, docs/operations.md).
# Components: `loyalpos` (the terminal) and `journeyd` (head office);
# packaging/cmake/deb.cmake makes one .deb of each. docs/operations.md.
set(_packaging_dir ${PROJECT_SOURCE_DIR}/packaging)
set(_units_dir ${PROJECT_BINARY_DIR}/packaging/systemd)

# The units, each with the hardening they share written in.
file(STRINGS ${_packaging_dir}/systemd/hardening.conf _hardening REGEX "^[^#]")
list(JOIN _hardening "\n" LOYALPOS_HARDENING)
foreach(_unit loyalpos-serve loyalpos-sync journeyd)
  configure_file(${_packaging_dir}/systemd/${_unit}.service.in
    ${_units_dir}/${_unit}.service @ONLY)
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${_packaging_dir}/systemd/hardening.conf)

install(FILES ${_units_dir}/loyalpos-serve.service ${_units_dir}/loyalpos-sync.service
  DESTINATION lib/systemd/system COMPONENT loyalpos)
install(FILES ${_packaging_dir}/systemd/user/loyalpos-kiosk.service
  DESTINATION lib/systemd/user COMPONENT loyalpos)
install(FILES ${_units_dir}/journeyd.service
  DESTINATION lib/systemd/system COMPONENT journeyd)

# The café's config: a conffile (packaging/debian/loyalpos.conffiles), so an
# upgrade keeps the café's edits. /etc/loyalpos with the packages' prefix
# /usr; <prefix>/etc/loyalpos in any other prefix.
include(GNUInstallDirs)
install(FILES ${_packaging_dir}/config.toml
  DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/loyalpos RENAME loyalpos.toml
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
  COMPONENT loyalpos)

# Debian wants the changelog compressed with gzip -9n (no name, no time).
set(_changelog_gz ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz)
execute_process(
  COMMAND gzip -9nc ${_packaging_dir}/debian/changelog
  OUTPUT_FILE ${_changelog_gz}
  COMMAND_ERROR_IS_FATAL ANY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${_packaging_dir}/debian/changelog)
foreach(_package loyalpos journeyd)
  install(FILES ${_changelog_gz} ${_packaging_dir}/debian/copyright
    ${PROJECT_SOURCE_DIR}/docs/operations.md
    DESTINATION share/doc/${_package}
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
    COMPONENT ${_package})
endforeach()
