// SPDX-License-Identifier: Apache-2.0
#include "signing_key.h"

#include "commands.h"
#include "common/file_io.h"
#include "identity/jwk.h"
#include "identity/secret_file.h"

#include <iostream>

namespace writ::cli {

namespace id = writ::identity;

namespace {

std::string kidFor(const std::string &path, const std::string &kid, const id::PrivateKey &key)
{
    if (!kid.empty())
        return kid;
    const auto slash = path.rfind('/');
    const std::string jwksPath = (slash == std::string::npos ? std::string(".") : path.substr(0, slash)) + "/jwks.json";
    std::string ioError;
    if (const auto text = readTextFile(jwksPath, ioError, id::kMaxKeyFileBytes)) {
        if (const auto set = id::parseJwks(*text)) {
            const id::PublicKey pub = key.publicKey();
            for (const id::PublicKey &k : set->keys)
                if (k.sameKeyAs(pub) && !k.kid().empty())
                    return k.kid();
        }
    }
    return id::jwkThumbprint(key.publicKey());
}

} // namespace

std::optional<identity::PrivateKey> loadSigningKey(const std::string &path, const std::string &kid, std::string &error,
                                                   int &exitCode)
{
    std::string ioError;
    const auto pem = readTextFile(path, ioError, 1024 * 1024);
    if (!pem) {
        error = "cannot read " + path + ": " + ioError;
        exitCode = ExitEnvironment;
        return std::nullopt;
    }
    if (const std::string problem = id::secretFileModeProblem(path); !problem.empty())
        std::cerr << "warning: " << problem << "\n";
    auto key = id::PrivateKey::fromPem(*pem);
    if (!key) {
        error = path + ": " + key.error().toString();
        exitCode = ExitDiagnostics;
        return std::nullopt;
    }
    key.value().setKid(kidFor(path, kid, *key));
    return std::move(key.value());
}

} // namespace writ::cli
