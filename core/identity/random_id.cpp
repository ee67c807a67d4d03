// SPDX-License-Identifier: Apache-2.0
#include "identity/random_id.h"
#include "identity/base64url.h"
#include "identity/json_util.h"

#include <openssl/rand.h>

namespace writ::identity {

Result<std::string> randomId(std::size_t bytes)
{
    if (bytes == 0 || bytes > 1024)
        return makeError(Reason::Config, "a random id is 1 to 1024 bytes long");
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char *>(raw.data()), static_cast<int>(bytes)) != 1)
        return makeError(Reason::Crypto, detail::opensslError("the random generator failed"));
    return base64urlEncode(raw);
}

} // namespace writ::identity
