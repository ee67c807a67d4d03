// SPDX-License-Identifier: Apache-2.0
#include "signing_key.h"

#include "commands.h"
#include "identity/signing_key_file.h"

#include <iostream>

namespace writ::cli {

std::optional<identity::PrivateKey> loadSigningKey(const std::string &path, const std::string &kid, std::string &error,
                                                   int &exitCode)
{
    identity::SigningKeyLoad load = identity::loadSigningKeyFile(path, kid);
    if (!load.warning.empty())
        std::cerr << "warning: " << load.warning << "\n";
    if (!load.key) {
        error = load.error;
        exitCode = load.unreadable ? ExitEnvironment : ExitDiagnostics;
    }
    return std::move(load.key);
}

} // namespace writ::cli
