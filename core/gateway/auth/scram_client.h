// SPDX-License-Identifier: Apache-2.0
#pragma once

// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, for the gateway's
// upstream login as a task's JIT role. No sockets: the caller carries the messages in
// SASLInitialResponse / SASLResponse and hands over the server's AuthenticationSASLContinue and
// AuthenticationSASLFinal data.
//
// No channel binding (gs2 header "n,,"). The server is treated as untrusted until its signature
// checks out: its nonce must extend ours, its iteration count is bounded (a hostile server cannot make
// the client spend minutes in PBKDF2), its salt must be strict base64, and mandatory extensions ("m=")
// or trailing attributes are refused, as libpq refuses them.
//
// The password is used as raw bytes, without SASLprep. PostgreSQL does the same for a password that
// is not valid UTF-8 or that SASLprep rejects; for printable ASCII (every password Writ generates)
// SASLprep changes nothing, so both sides agree. A non-ASCII password whose SASLprep form differs
// from its bytes (non-NFKC text, non-ASCII spaces) logs in only against a verifier computed from the
// same raw bytes, e.g. one from writ::tasks::scramVerifier, not one PostgreSQL computed from plain text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace writ::gateway::auth {

inline constexpr std::string_view kScramSha256 = "SCRAM-SHA-256";

class ScramClient
{
public:
    enum class State { Initial, SentClientFirst, SentClientFinal, Done, Failed };

    /// Why an exchange failed; stable for logs and tests.
    enum class Failure {
        None,
        OutOfOrder, ///< a server message that does not fit the state (also every one after a failure)
        Malformed, ///< a server message that does not follow the grammar, or carries extensions
        NonceMismatch, ///< the server nonce does not extend the client nonce
        IterationCount, ///< outside [kMinIterations, kMaxIterations]
        BadSalt, ///< not strict base64, empty or too long
        ServerError, ///< the server sent "e=..."
        ServerSignature, ///< the server does not hold the password's keys: not the server we meant
        Crypto, ///< OpenSSL failed where it should not
    };

    /// The outcome of one server message: the client message to send next, or why the exchange failed.
    class Step
    {
    public:
        static Step message(std::string text) { return Step(std::move(text), Failure::None, {}); }
        static Step failed(Failure failure, std::string error) { return Step({}, failure, std::move(error)); }

        bool ok() const { return m_failure == Failure::None; }
        explicit operator bool() const { return ok(); }
        /// client-final-message after server-first; empty after server-final.
        const std::string &value() const { return m_value; }
        /// A sentence for the log (without a "SCRAM" prefix) when !ok().
        const std::string &error() const { return m_error; }
        Failure failure() const { return m_failure; }

    private:
        Step(std::string value, Failure failure, std::string error)
            : m_value(std::move(value))
            , m_failure(failure)
            , m_error(std::move(error))
        { }
        std::string m_value;
        Failure m_failure;
        std::string m_error;
    };

    static constexpr std::uint32_t kMinIterations = 4096; ///< RFC 7677 §4; PostgreSQL's default
    static constexpr std::uint32_t kMaxIterations = 10'000'000; ///< seconds of PBKDF2, not hours
    static constexpr std::size_t kMaxServerMessage = 8192;
    static constexpr std::size_t kMaxSaltBytes = 1024;
    static constexpr std::size_t kMaxClientNonce = 256;

    /// Draws the client nonce: 24 bytes from OpenSSL's CSPRNG, base64-encoded (throws
    /// std::runtime_error if the generator fails). `user` goes into client-first as the saslname;
    /// PostgreSQL ignores it (the startup packet names the user), so the gateway leaves it empty, as
    /// libpq does.
    explicit ScramClient(std::string password, std::string user = {});
    /// For test vectors: a fixed client nonce, 1 to kMaxClientNonce printable ASCII characters other
    /// than ',' (std::invalid_argument otherwise).
    ScramClient(std::string password, std::string user, std::string clientNonce);
    ~ScramClient();
    ScramClient(const ScramClient &) = delete;
    ScramClient &operator=(const ScramClient &) = delete;

    /// client-first-message "n,,n=<user>,r=<nonce>": the data of SASLInitialResponse. The same text on
    /// every call.
    std::string clientFirst();
    /// Checks server-first-message (AuthenticationSASLContinue) and computes client-final-message
    /// "c=biws,r=<nonce>,p=<proof>" (SASLResponse).
    Step handleServerFirst(std::string_view serverFirst);
    /// Checks server-final-message (AuthenticationSASLFinal): "v=<signature>" must match in constant
    /// time, "e=<error>" is reported. ok means the server proved it holds the role's verifier; the
    /// login is complete once AuthenticationOk follows.
    Step handleServerFinal(std::string_view serverFinal);

    State state() const { return m_state; }
    /// The server's signature checked out.
    bool finished() const { return m_state == State::Done; }

private:
    Step fail(Failure failure, std::string error);

    std::string m_password;
    std::string m_clientFirstBare;
    std::string m_clientNonce;
    std::string m_expectedServerSignature; ///< raw 32 bytes, kept until server-final
    State m_state = State::Initial;
};

const char *toString(ScramClient::Failure failure);

} // namespace writ::gateway::auth
