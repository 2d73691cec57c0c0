# The installed C++ package: `find_package(loyalpos)` then
# `target_link_libraries(pos PRIVATE loyalpos::terminal)` (docs/embedding.md).
#
# Component Development: the static libraries behind loyalpos::terminal (all
# of them, since a static library's private links are its users' links too),
# the public headers include/loyalpos/*.h and nothing else, and the CMake
# package files. The `loyalpos` executable stays in the default component.
include(CMakePackageConfigHelpers)

set(_loyalpos_package_dir lib/cmake/loyalpos)

# Names as users see them: loyalpos::terminal is the one to link; the others
# come along with it.
set_target_properties(loyalpos_base PROPERTIES EXPORT_NAME base)
set_target_properties(loyalty PROPERTIES EXPORT_NAME loyalty)
set_target_properties(loyalpos_ledger PROPERTIES EXPORT_NAME ledger)
set_target_properties(loyalpos_config PROPERTIES EXPORT_NAME config)

install(TARGETS loyalpos_terminal loyalpos_ledger loyalpos_config loyalty loyalpos_base
  EXPORT loyalposTargets
  ARCHIVE DESTINATION lib COMPONENT Development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/loyalpos
  DESTINATION include COMPONENT Development
  FILES_MATCHING PATTERN "*.h")
install(EXPORT loyalposTargets
  NAMESPACE loyalpos::
  DESTINATION ${_loyalpos_package_dir}
  COMPONENT Development)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/loyalposConfig.cmake.in
  ${PROJECT_BINARY_DIR}/packaging/loyalposConfig.cmake
  INSTALL_DESTINATION ${_loyalpos_package_dir})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/packaging/loyalposConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/packaging/loyalposConfig.cmake
  ${PROJECT_BINARY_DIR}/packaging/loyalposConfigVersion.cmake
  DESTINATION ${_loyalpos_package_dir}
  COMPONENT Development)
