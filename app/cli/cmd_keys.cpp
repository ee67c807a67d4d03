// SPDX-License-Identifier: Apache-2.0
// writ keys generate --out DIR [--kid ID] [--alg EdDSA|ES256|RS256] — a signing key (0600) and its public JWKS.
#include "commands.h"

#include "common/file_io.h"
#include "identity/jwk.h"
#include "identity/key.h"
#include "identity/secret_file.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <sys/stat.h>

namespace writ::cli {

namespace {

namespace id = writ::identity;

/// A kid that is also a safe file name: it names the private key file in DIR.
bool validKid(const std::string &kid)
{
    if (kid.empty() || kid.size() > 64 || kid[0] == '.' || kid[0] == '-')
        return false;
    for (const char c : kid) {
        const bool ok
            = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

int generate(const std::string &dir, std::string kid, const std::string &alg)
{
    const char *me = "writ keys generate: ";
    if (!kid.empty() && !validKid(kid)) {
        std::cerr << me << "kid '" << kid
                  << "' must be 1-64 characters of letters, digits, '.', '-', '_' (it also names the key file)\n";
        return ExitDiagnostics;
    }
    const id::KeyType type = alg == "ES256" ? id::KeyType::EcP256 : alg == "RS256" ? id::KeyType::Rsa : id::KeyType::Ed25519;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (!ec)
            std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec); // the key directory is private
        if (ec) {
            std::cerr << me << "cannot create " << dir << ": " << ec.message() << "\n";
            return ExitEnvironment;
        }
    }
    auto key = id::PrivateKey::generate(type, 3072);
    if (!key) {
        std::cerr << me << key.error().toString() << "\n";
        return ExitEnvironment;
    }
    if (kid.empty())
        kid = id::jwkThumbprint(key->publicKey()); // RFC 7638: derived from the key, stable, collision-free
    key.value().setKid(kid);

    // Rotation: a second key generated into the same directory joins the existing public key set.
    const std::string jwksPath = dir + "/jwks.json";
    std::vector<id::PublicKey> published;
    struct stat st
    {
    };
    if (::stat(jwksPath.c_str(), &st) == 0) {
        std::string ioError;
        const auto text = readTextFile(jwksPath, ioError, id::kMaxKeyFileBytes);
        if (!text) {
            std::cerr << me << "cannot read " << jwksPath << ": " << ioError << "\n";
            return ExitEnvironment;
        }
        auto existing = id::parseJwks(*text);
        if (!existing) {
            std::cerr << me << jwksPath << ": " << existing.error().toString() << "\n";
            return ExitDiagnostics;
        }
        for (const id::PublicKey &k : existing->keys) {
            if (k.kid() == kid) {
                std::cerr << me << jwksPath << " already has a key with kid '" << kid << "'\n";
                return ExitDiagnostics;
            }
        }
        published = existing->keys;
    }
    published.push_back(key->publicKey());

    const std::string keyPath = dir + "/" + kid + ".private.pem";
    if (auto st2 = id::writeSecretFile(keyPath, key->toPem()); !st2) {
        std::cerr << me << st2.error().message << "\n";
        return ExitEnvironment;
    }
    std::string ioError;
    if (!writeFileAtomically(jwksPath, id::toJwks(published), ioError)) {
        std::cerr << me << "cannot write " << jwksPath << ": " << ioError << "\n";
        return ExitEnvironment;
    }
    std::cerr << "private key: " << keyPath << " (" << id::algorithmName(key->algorithm()) << ", mode 0600 — keep it secret)\n"
              << "public keys: " << jwksPath << " (" << published.size() << (published.size() == 1 ? " key" : " keys")
              << "; give this file to verifiers)\n";
    if (published.size() > 2)
        std::cerr << "note: remove retired keys from " << jwksPath << " once every token they signed has expired\n";
    std::cout << kid << "\n";
    return ExitOk;
}

} // namespace

void registerKeys(CLI::App &app, int &exitCode)
{
    struct Options
    {
        std::string out, kid, alg = "EdDSA";
    };
    auto opts = std::make_shared<Options>();
    CLI::App *keys = app.add_subcommand("keys", "Signing keys for task credentials and development tokens");
    keys->require_subcommand(1);
    CLI::App *gen = keys->add_subcommand(
        "generate", "Generate a signing key (private PEM, mode 0600) and add its public key to DIR/jwks.json");
    gen->add_option("--out", opts->out, "Directory for <kid>.private.pem and jwks.json (created with mode 0700 if missing)")
        ->required();
    gen->add_option("--kid", opts->kid, "Key id (default: the RFC 7638 thumbprint of the key)");
    gen->add_option("--alg", opts->alg, "Algorithm the key signs")->check(CLI::IsMember({"EdDSA", "ES256", "RS256"}));
    gen->callback([opts, &exitCode] { exitCode = generate(opts->out, opts->kid, opts->alg); });
}

} // namespace writ::cli
