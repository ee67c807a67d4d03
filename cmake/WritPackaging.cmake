# SPDX-License-Identifier: Apache-2.0
# Debian packages, one per install component (scripts/package builds them):
#   writ          the CLI
#   writ-gateway  the gateway: systemd unit, its own system user, /etc/writ, tight modes; no GUI library
#   writ-studio   the studio: desktop file, SVG icon, AppStream metainfo
# Versions come from project(VERSION); dependencies are computed from the binaries (dpkg-shlibdeps).
include(GNUInstallDirs)

set(_pkg ${PROJECT_SOURCE_DIR}/packaging)
set(_gen ${PROJECT_BINARY_DIR}/packaging)
foreach(page writ.1 writ-gateway.8)
  configure_file(${_pkg}/man/${page} ${_gen}/${page} @ONLY)
endforeach()
install(FILES ${_gen}/writ.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT cli)

install(FILES ${_gen}/writ-gateway.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT gateway)
install(FILES ${_pkg}/systemd/writ-gateway.service DESTINATION lib/systemd/system COMPONENT gateway)
install(FILES ${_pkg}/debian/writ-gateway/gateway.yaml DESTINATION /etc/writ
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT gateway)

if(WRIT_BUILD_UI)
  configure_file(${_pkg}/linux/io.writ.Studio.metainfo.xml ${_gen}/io.writ.Studio.metainfo.xml @ONLY)
  install(FILES ${_pkg}/linux/io.writ.Studio.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT studio)
  install(FILES ${_gen}/io.writ.Studio.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT studio)
  install(FILES ${_pkg}/linux/io.writ.Studio.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT studio)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME writ)
set(CPACK_PACKAGE_VENDOR "Writ")
set(CPACK_PACKAGE_CONTACT "Writ maintainers <maintainers@writ.dev>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli gateway)
if(WRIT_BUILD_UI)
  list(APPEND CPACK_COMPONENTS_ALL studio)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/writ-dev/writ")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME writ)
set(CPACK_COMPONENT_CLI_DESCRIPTION "Writ command line: check, compile, publish and test agent access policies for PostgreSQL\n"
    "Manages task instances, approvals and audit logs of writ-gateway; for CI pipelines and scripts.")

set(CPACK_DEBIAN_GATEWAY_PACKAGE_NAME writ-gateway)
set(CPACK_DEBIAN_GATEWAY_PACKAGE_SECTION net)
set(CPACK_DEBIAN_GATEWAY_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_GATEWAY_PACKAGE_CONTROL_EXTRA
    "${_pkg}/debian/writ-gateway/postinst;${_pkg}/debian/writ-gateway/prerm;${_pkg}/debian/writ-gateway/postrm;${_pkg}/debian/writ-gateway/conffiles")
set(CPACK_DEBIAN_GATEWAY_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_GATEWAY_DESCRIPTION "Writ gateway: PostgreSQL proxy enforcing task-scoped AI-agent access\n"
    "Verifies task credentials, decides every statement, audits everything and revokes live sessions.")

set(CPACK_DEBIAN_STUDIO_PACKAGE_NAME writ-studio)
set(CPACK_DEBIAN_STUDIO_PACKAGE_SECTION devel)
set(CPACK_COMPONENT_STUDIO_DESCRIPTION "Writ Studio: design, review and publish AI-agent access to PostgreSQL\n"
    "Explore grants and their risks, draw per-agent scopes, simulate statements, diff and publish.")

include(CPack)
