// SPDX-License-Identifier: Apache-2.0
#include "tasks/scram.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace writ::tasks {

namespace {

std::vector<unsigned char> randomBytes(std::size_t n)
{
    std::vector<unsigned char> out(n);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1)
        throw std::runtime_error("the system random number generator failed");
    return out;
}

std::string base64(const unsigned char *data, std::size_t n)
{
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

std::vector<unsigned char> hmac(const std::vector<unsigned char> &key, const std::string &message)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(message.data()),
         message.size(), out, &len);
    return {out, out + len};
}

} // namespace

std::string scramVerifier(const std::string &password, int iterations)
{
    const std::vector<unsigned char> salt = randomBytes(16);
    std::vector<unsigned char> salted(32);
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(), static_cast<int>(salt.size()), iterations,
                          EVP_sha256(), static_cast<int>(salted.size()), salted.data())
        != 1)
        throw std::runtime_error("PBKDF2 failed");
    const std::vector<unsigned char> clientKey = hmac(salted, "Client Key");
    unsigned char storedKey[32];
    unsigned int storedLen = 0;
    EVP_Digest(clientKey.data(), clientKey.size(), storedKey, &storedLen, EVP_sha256(), nullptr);
    const std::vector<unsigned char> serverKey = hmac(salted, "Server Key");
    return "SCRAM-SHA-256$" + std::to_string(iterations) + ":" + base64(salt.data(), salt.size()) + "$"
         + base64(storedKey, storedLen) + ":" + base64(serverKey.data(), serverKey.size());
}

std::string randomHex(std::size_t bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : randomBytes(bytes)) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string randomPassword(std::size_t bytes)
{
    std::string b64 = base64(randomBytes(bytes).data(), bytes);
    for (char &c : b64) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    while (!b64.empty() && b64.back() == '=')
        b64.pop_back();
    return b64;
}

} // namespace writ::tasks
