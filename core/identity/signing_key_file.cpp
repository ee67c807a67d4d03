// SPDX-License-Identifier: Apache-2.0
#include "identity/signing_key_file.h"

#include "common/file_io.h"
#include "identity/jwk.h"
#include "identity/secret_file.h"

namespace writ::identity {

namespace {

std::string kidFor(const std::string &path, const std::string &kid, const PrivateKey &key)
{
    if (!kid.empty())
        return kid;
    const auto slash = path.rfind('/');
    const std::string jwksPath = (slash == std::string::npos ? std::string(".") : path.substr(0, slash)) + "/jwks.json";
    std::string ioError;
    if (const auto text = readTextFile(jwksPath, ioError, kMaxKeyFileBytes)) {
        if (const auto set = parseJwks(*text)) {
            const PublicKey pub = key.publicKey();
            for (const PublicKey &k : set->keys)
                if (k.sameKeyAs(pub) && !k.kid().empty())
                    return k.kid();
        }
    }
    return jwkThumbprint(key.publicKey());
}

} // namespace

SigningKeyLoad loadSigningKeyFile(const std::string &path, const std::string &kid)
{
    SigningKeyLoad load;
    std::string ioError;
    const auto pem = readTextFile(path, ioError, kMaxKeyFileBytes);
    if (!pem) {
        load.error = "cannot read " + path + ": " + ioError;
        load.unreadable = true;
        return load;
    }
    load.warning = secretFileModeProblem(path);
    auto key = PrivateKey::fromPem(*pem);
    if (!key) {
        load.error = path + ": " + key.error().toString();
        return load;
    }
    key.value().setKid(kidFor(path, kid, *key));
    load.key = std::move(key.value());
    return load;
}

} // namespace writ::identity
