// SPDX-License-Identifier: Apache-2.0
#include "gateway/auth/scram_client.h"

#include "gateway/auth/base64.h"
#include "identity/constant_time.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace writ::gateway::auth {

namespace {

constexpr std::size_t kKeyBytes = 32; // SHA-256
constexpr std::size_t kGeneratedNonceBytes = 24;
constexpr std::string_view kGs2Header = "n,,"; // no channel binding, no authzid
constexpr std::string_view kChannelBinding = "biws"; // base64("n,,")

using Key = std::array<unsigned char, kKeyBytes>;

/// Wipes key material when it goes out of scope.
struct KeyGuard
{
    Key key {};
    ~KeyGuard() { OPENSSL_cleanse(key.data(), key.size()); }
};

bool hmacSha256(const Key &key, std::string_view message, Key &out)
{
    unsigned int len = 0;
    return HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(message.data()),
               message.size(), out.data(), &len)
        && len == out.size();
}

std::string_view asText(const Key &k)
{
    return {reinterpret_cast<const char *>(k.data()), k.size()};
}

/// A printable nonce as RFC 5802 §7 defines it: %x21-2B / %x2D-7E (printable ASCII except ',').
bool printableNonce(std::string_view s)
{
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x21 || c > 0x7e || c == ',')
            return false;
    }
    return !s.empty();
}

/// saslname (RFC 5802 §5.1): '=' and ',' escaped as =3D and =2C.
std::string saslName(std::string_view user)
{
    std::string out;
    for (const char c : user) {
        if (c == '=')
            out += "=3D";
        else if (c == ',')
            out += "=2C";
        else
            out += c;
    }
    return out;
}

/// What the server said, cut and made printable for a log line.
std::string quoted(std::string_view s)
{
    std::string out;
    for (const char ch : s.substr(0, 120)) {
        const auto c = static_cast<unsigned char>(ch);
        out += c >= 0x20 && c < 0x7f ? ch : '?';
    }
    return "\"" + out + (s.size() > 120 ? "...\"" : "\"");
}

/// Reads "<name>=<value>" up to the next ',' (consumed) or the end. Empty optional when `rest` does not
/// start with that attribute.
std::optional<std::string_view> attribute(std::string_view &rest, char name)
{
    if (rest.size() < 2 || rest[0] != name || rest[1] != '=')
        return std::nullopt;
    const std::size_t comma = rest.find(',');
    const std::string_view value = rest.substr(2, comma == std::string_view::npos ? std::string_view::npos : comma - 2);
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    return value;
}

} // namespace

ScramClient::ScramClient(std::string password, std::string user)
    : m_password(std::move(password))
{
    std::array<unsigned char, kGeneratedNonceBytes> raw {};
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("SCRAM-SHA-256: the random generator failed to produce a nonce");
    m_clientNonce = base64Encode({reinterpret_cast<const char *>(raw.data()), raw.size()});
    m_clientFirstBare = "n=" + saslName(user) + ",r=" + m_clientNonce;
}

ScramClient::ScramClient(std::string password, std::string user, std::string clientNonce)
    : m_password(std::move(password))
    , m_clientNonce(std::move(clientNonce))
{
    if (!printableNonce(m_clientNonce) || m_clientNonce.size() > kMaxClientNonce)
        throw std::invalid_argument(
            "a SCRAM client nonce is 1 to " + std::to_string(kMaxClientNonce) + " printable ASCII characters other than ','");
    m_clientFirstBare = "n=" + saslName(user) + ",r=" + m_clientNonce;
}

ScramClient::~ScramClient()
{
    OPENSSL_cleanse(m_password.data(), m_password.size());
    OPENSSL_cleanse(m_expectedServerSignature.data(), m_expectedServerSignature.size());
}

ScramClient::Step ScramClient::fail(Failure failure, std::string error)
{
    m_state = State::Failed;
    OPENSSL_cleanse(m_expectedServerSignature.data(), m_expectedServerSignature.size());
    m_expectedServerSignature.clear();
    return Step::failed(failure, std::move(error));
}

std::string ScramClient::clientFirst()
{
    if (m_state == State::Initial)
        m_state = State::SentClientFirst;
    return std::string(kGs2Header) + m_clientFirstBare;
}

ScramClient::Step ScramClient::handleServerFirst(std::string_view serverFirst)
{
    if (m_state != State::SentClientFirst)
        return fail(Failure::OutOfOrder, "server-first arrived out of order");
    if (serverFirst.size() > kMaxServerMessage)
        return fail(Failure::Malformed,
            "server-first-message of " + std::to_string(serverFirst.size()) + " bytes; the limit is "
                + std::to_string(kMaxServerMessage));
    if (serverFirst.starts_with("m="))
        return fail(Failure::Malformed, "the server requires an extension (m=) this client does not support");

    std::string_view rest = serverFirst;
    const auto nonce = attribute(rest, 'r');
    if (!nonce)
        return fail(Failure::Malformed, "server-first-message does not start with the nonce (r=): " + quoted(serverFirst));
    if (!printableNonce(*nonce))
        return fail(Failure::Malformed, "the server nonce is empty or not printable");
    // The server's nonce is ours plus its own part: anything else is a replay or a confused server.
    if (nonce->size() <= m_clientNonce.size() || !nonce->starts_with(m_clientNonce))
        return fail(Failure::NonceMismatch, "the server nonce does not extend the client nonce");

    const auto saltText = attribute(rest, 's');
    if (!saltText)
        return fail(Failure::Malformed, "server-first-message lacks the salt (s=) after the nonce: " + quoted(serverFirst));
    const std::optional<std::string> salt = base64Decode(*saltText, kMaxSaltBytes);
    if (!salt || salt->empty())
        return fail(
            Failure::BadSalt, "the salt is not base64 of 1 to " + std::to_string(kMaxSaltBytes) + " bytes: " + quoted(*saltText));

    const auto countText = attribute(rest, 'i');
    if (!countText)
        return fail(
            Failure::Malformed, "server-first-message lacks the iteration count (i=) after the salt: " + quoted(serverFirst));
    std::uint64_t iterations = 0;
    const bool digitsOnly
        = !countText->empty() && countText->size() <= 20 && countText->find_first_not_of("0123456789") == std::string_view::npos;
    const auto [end, ec] = std::from_chars(countText->data(), countText->data() + countText->size(), iterations);
    if (!digitsOnly || ec != std::errc() || end != countText->data() + countText->size())
        return fail(Failure::Malformed, "the iteration count " + quoted(*countText) + " is not a number");
    if (iterations < kMinIterations || iterations > kMaxIterations)
        return fail(Failure::IterationCount,
            "the server asks for " + std::to_string(iterations) + " iterations; this client accepts "
                + std::to_string(kMinIterations) + " to " + std::to_string(kMaxIterations));
    // The count ended at the end of the message or at a ',': PostgreSQL sends no extensions, and libpq
    // refuses anything after i= as well.
    if (!rest.empty() || serverFirst.back() == ',')
        return fail(Failure::Malformed, "unexpected attributes after the iteration count: " + quoted(serverFirst));

    KeyGuard salted, clientKey, storedKey, serverKey, clientSignature, serverSignature;
    if (PKCS5_PBKDF2_HMAC(m_password.data(), static_cast<int>(m_password.size()),
            reinterpret_cast<const unsigned char *>(salt->data()), static_cast<int>(salt->size()), static_cast<int>(iterations),
            EVP_sha256(), static_cast<int>(kKeyBytes), salted.key.data())
        != 1)
        return fail(Failure::Crypto, "PBKDF2 failed");
    unsigned int storedLen = 0;
    if (!hmacSha256(salted.key, "Client Key", clientKey.key) || !hmacSha256(salted.key, "Server Key", serverKey.key)
        || EVP_Digest(clientKey.key.data(), clientKey.key.size(), storedKey.key.data(), &storedLen, EVP_sha256(), nullptr) != 1)
        return fail(Failure::Crypto, "HMAC-SHA-256 failed");

    const std::string finalWithoutProof = "c=" + std::string(kChannelBinding) + ",r=" + std::string(*nonce);
    const std::string authMessage = m_clientFirstBare + "," + std::string(serverFirst) + "," + finalWithoutProof;
    if (!hmacSha256(storedKey.key, authMessage, clientSignature.key)
        || !hmacSha256(serverKey.key, authMessage, serverSignature.key))
        return fail(Failure::Crypto, "HMAC-SHA-256 failed");

    KeyGuard proof;
    for (std::size_t i = 0; i < kKeyBytes; ++i)
        proof.key[i] = clientKey.key[i] ^ clientSignature.key[i];
    m_expectedServerSignature.assign(asText(serverSignature.key));
    m_state = State::SentClientFinal;
    return Step::message(finalWithoutProof + ",p=" + base64Encode(asText(proof.key)));
}

ScramClient::Step ScramClient::handleServerFinal(std::string_view serverFinal)
{
    if (m_state != State::SentClientFinal)
        return fail(Failure::OutOfOrder, "server-final arrived out of order");
    if (serverFinal.size() > kMaxServerMessage)
        return fail(Failure::Malformed,
            "server-final-message of " + std::to_string(serverFinal.size()) + " bytes; the limit is "
                + std::to_string(kMaxServerMessage));
    std::string_view rest = serverFinal;
    if (const auto error = attribute(rest, 'e'))
        return fail(Failure::ServerError, "the server refused the login: " + quoted(*error));
    const auto verifier = attribute(rest, 'v');
    if (!verifier)
        return fail(Failure::Malformed, "server-final-message carries neither v= nor e=: " + quoted(serverFinal));
    if (!rest.empty() || serverFinal.back() == ',')
        return fail(Failure::Malformed, "unexpected attributes after the server signature: " + quoted(serverFinal));
    const std::optional<std::string> signature = base64Decode(*verifier, kKeyBytes);
    if (!signature || signature->size() != kKeyBytes)
        return fail(Failure::Malformed, "the server signature is not base64 of 32 bytes: " + quoted(*verifier));
    if (!identity::constantTimeEquals(*signature, m_expectedServerSignature))
        return fail(Failure::ServerSignature,
            "the server signature does not match: the server does not hold this role's verifier (wrong server, or a "
            "password changed in between)");
    OPENSSL_cleanse(m_expectedServerSignature.data(), m_expectedServerSignature.size());
    m_expectedServerSignature.clear();
    m_state = State::Done;
    return Step::message({});
}

const char *toString(ScramClient::Failure failure)
{
    using F = ScramClient::Failure;
    switch (failure) {
    case F::None:
        return "none";
    case F::OutOfOrder:
        return "out-of-order";
    case F::Malformed:
        return "malformed";
    case F::NonceMismatch:
        return "nonce-mismatch";
    case F::IterationCount:
        return "iteration-count";
    case F::BadSalt:
        return "bad-salt";
    case F::ServerError:
        return "server-error";
    case F::ServerSignature:
        return "server-signature";
    case F::Crypto:
        return "crypto";
    }
    return "unknown";
}

} // namespace writ::gateway::auth
