// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace writ::policy {

/// Lines holding a YAML comment (`# ...` at line start or after whitespace, outside quotes).
/// The canonical writer cannot keep comments, so `fmt` and the studio warn before dropping them.
int countYamlComments(std::string_view text);

} // namespace writ::policy
