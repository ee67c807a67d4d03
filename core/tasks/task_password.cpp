// SPDX-License-Identifier: Apache-2.0
#include "tasks/task_password.h"

#include "common/file_io.h"
#include "identity/base64url.h"
#include "identity/secret_file.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace writ::tasks {

std::string derivedTaskPassword(std::string_view secret, std::string_view taskId)
{
    // The label keeps these MACs apart from any other use of the same secret.
    const std::string message = "writ-task-password:" + std::string(taskId);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // HMAC takes a NULL key pointer with length 0 as "no key" in some versions: pass a valid pointer always.
    static const unsigned char empty = 0;
    const auto *key = secret.empty() ? &empty : reinterpret_cast<const unsigned char *>(secret.data());
    if (!HMAC(EVP_sha256(), key, static_cast<int>(secret.size()), reinterpret_cast<const unsigned char *>(message.data()),
            message.size(), mac, &len)
        || len != 32)
        throw std::runtime_error("HMAC-SHA-256 failed while deriving a task password");
    std::string password = identity::base64urlEncode({reinterpret_cast<const char *>(mac), len});
    OPENSSL_cleanse(mac, sizeof mac);
    return password;
}

std::optional<std::string> loadTaskPasswordSecret(const std::string &path, std::string &error)
{
    std::string readError;
    std::optional<std::string> secret = readTextFile(path, readError, kMaxTaskPasswordSecretBytes);
    if (!secret) {
        error = "cannot read the password secret " + path + ": " + readError;
        return std::nullopt;
    }
    const auto refuse = [&](std::string message) {
        OPENSSL_cleanse(secret->data(), secret->size());
        error = std::move(message);
        return std::nullopt;
    };
    if (const std::string problem = identity::secretFileModeProblem(path); !problem.empty())
        return refuse("refusing the password secret: " + problem);
    while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r'))
        secret->pop_back();
    if (secret->size() < kMinTaskPasswordSecretBytes)
        return refuse("the password secret " + path + " holds " + std::to_string(secret->size()) + " bytes; it needs at least "
            + std::to_string(kMinTaskPasswordSecretBytes) + " (e.g. (umask 077; openssl rand -base64 48 > " + path + "))");
    return secret;
}

} // namespace writ::tasks
