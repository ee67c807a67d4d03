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
    identity::SecretRead r = identity::readSecretFile(path, kMinTaskPasswordSecretBytes, true, kMaxTaskPasswordSecretBytes);
    if (!r.secret)
        error = "the password secret: " + r.error;
    return std::move(r.secret);
}

} // namespace writ::tasks
