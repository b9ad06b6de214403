# How loaxa installs on a station PC, and `make deb` (CPack's DEB generator). The layout is the
# one Debian administrators expect:
#   /usr/bin/loaxad, /usr/bin/loaxa            the programs
#   /etc/loaxa/loaxa.toml, holidays.toml       config (conffiles: kept on upgrade)
#   /etc/loaxa/schedules/                      the station's programmes (empty at first)
#   /var/lib/loaxa/                            database, library, keys (made by postinst)
#   /run/loaxa/loaxad.sock                     control socket (RuntimeDirectory= of the unit)
#   /usr/share/loaxa/                          sample schedule and segments
#   /lib/systemd/system/loaxad.service, man pages, bash completion
# Absolute destinations are deliberate: /etc and /lib/systemd do not follow the /usr prefix.

include(GNUInstallDirs)

set(pkg_dir ${CMAKE_SOURCE_DIR}/packaging)
set(gz_dir ${CMAKE_BINARY_DIR}/packaging)

install(TARGETS loaxad loaxa RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${pkg_dir}/loaxa.toml ${CMAKE_SOURCE_DIR}/config/holidays.toml
        DESTINATION /etc/loaxa)
install(DIRECTORY DESTINATION /etc/loaxa/schedules)
install(FILES ${pkg_dir}/loaxad.service DESTINATION /lib/systemd/system)
install(FILES ${pkg_dir}/bash-completion/loaxa
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

install(FILES ${CMAKE_SOURCE_DIR}/schedules/cchc.toml DESTINATION ${CMAKE_INSTALL_DATADIR}/loaxa/schedules)
file(GLOB sample_audio CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/audio/*.ogg ${CMAKE_SOURCE_DIR}/audio/*.txt)
install(FILES ${sample_audio} DESTINATION ${CMAKE_INSTALL_DATADIR}/loaxa/audio)

# Man pages and the changelog are shipped compressed (Debian policy 12.1, 12.7); -n keeps the
# archive reproducible.
set(gz_outputs)
foreach(src IN ITEMS man/loaxa.1 man/loaxad.8 man/loaxa.toml.5 packaging/debian/changelog)
  get_filename_component(name ${src} NAME)
  set(out ${gz_dir}/${name}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gz_dir}
    COMMAND gzip -9nc ${CMAKE_SOURCE_DIR}/${src} > ${out}
    DEPENDS ${CMAKE_SOURCE_DIR}/${src} VERBATIM)
  list(APPEND gz_outputs ${out})
endforeach()
add_custom_target(loaxa_docs ALL DEPENDS ${gz_outputs})
install(FILES ${gz_dir}/loaxa.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${gz_dir}/loaxad.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${gz_dir}/loaxa.toml.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${gz_dir}/changelog.gz ${pkg_dir}/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME loaxa)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/deb)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGE_CONTACT "loaxa developers <maintainers@loaxa.invalid>" CACHE STRING
    "Maintainer field of the Debian package")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "commune loudspeaker programme scheduler")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "loaxa runs a Vietnamese commune's public-address radio station: the daemon
loaxad plays recorded segments at scheduled times through PortAudio (ALSA or
JACK), unattended, and keeps an append-only broadcast log in SQLite that
records what really left the output and when. The loaxa command imports and
approves segments, checks and previews schedules, plays urgent notices and
prints the log for inspectors.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The library packages come from dpkg-shlibdeps; these are what the maintainer scripts use.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${pkg_dir}/debian/conffiles ${pkg_dir}/debian/postinst ${pkg_dir}/debian/prerm
    ${pkg_dir}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
