# SPDX-License-Identifier: Apache-2.0
# Warnings and sanitizers applied to every Writ target through writ_target_defaults().
add_library(writ_build_flags INTERFACE)
target_compile_options(writ_build_flags INTERFACE -Wall -Wextra -Wno-missing-field-initializers)
if(WRIT_SANITIZE)
  target_compile_options(writ_build_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(writ_build_flags INTERFACE -fsanitize=address,undefined)
endif()
