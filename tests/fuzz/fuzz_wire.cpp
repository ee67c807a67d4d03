// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for everything the gateway reads off a socket before (and while) it trusts
// anyone: the frame decoder fed in arbitrary chunks through the startup phase into messages, every
// frontend message decoder (startup, Query, Parse, Bind, Describe, Close, Execute, Password,
// CopyFail), every backend decoder, the response filter over a hostile upstream's messages, and the
// SCRAM client's handling of server-first and server-final messages. Properties: no crash, no
// sanitizer report, bounded memory (the decoder refuses a length before buffering it), and an error
// is sticky (nothing is framed after the decoder has refused the stream).
#include "gateway/auth/scram_client.h"
#include "gateway/protocol/backend.h"
#include "gateway/protocol/frame_decoder.h"
#include "gateway/protocol/frontend.h"
#include "gateway/session/response_filter.h"

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

namespace {

namespace proto = writ::gateway::protocol;

void decodeFrontend(const proto::Frame &f)
{
    switch (f.tag) {
    case 0: (void)proto::decodeStartup(f.body); break;
    case 'Q': (void)proto::decodeQuery(f.body); break;
    case 'P': (void)proto::decodeParse(f.body); break;
    case 'B':
        // The relay's decoder must refuse exactly what the full one refuses.
        if (proto::decodeBind(f.body).has_value() != proto::decodeBindTarget(f.body).has_value())
            std::abort();
        break;
    case 'D': (void)proto::decodeDescribe(f.body); break;
    case 'C': (void)proto::decodeClose(f.body); break;
    case 'E': (void)proto::decodeExecute(f.body); break;
    case 'p': (void)proto::decodePassword(f.body); break;
    case 'f': (void)proto::decodeCopyFail(f.body); break;
    default: break;
    }
}

void decodeBackend(const proto::Frame &f)
{
    (void)proto::decodeAuthentication(f.body);
    (void)proto::decodeError(f.body);
    (void)proto::decodeBackendKeyData(f.body);
    (void)proto::decodeParameterStatus(f.body);
    (void)proto::decodeReadyForQuery(f.body);
    if (const auto tag = proto::decodeCommandComplete(f.body))
        (void)proto::rowsOfCommandTag(*tag);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    // First byte: chunk size for feeding (1..256), so frames split at every possible place.
    const std::size_t chunk = static_cast<std::size_t>(data[0]) + 1;
    const std::span<const std::uint8_t> stream(data + 1, size - 1);

    proto::FrameLimits limits;
    limits.maxMessage = 64 * 1024; // small limits: the fuzzer reaches the refusals
    limits.maxCopyData = 64 * 1024;
    proto::FrameDecoder client(proto::FrameDecoder::Phase::Startup, limits);
    proto::FrameDecoder upstream(proto::FrameDecoder::Phase::Messages, limits);
    writ::gateway::ResponseFilter filter(3);
    filter.forwardedQuery({std::make_shared<const writ::gateway::StatementText>(writ::gateway::StatementText{"SELECT 1", nullptr})});
    std::vector<writ::gateway::CompletedStatement> completed;
    bool clientFailed = false, upstreamFailed = false;

    for (std::size_t at = 0; at < stream.size(); at += chunk) {
        const auto piece = stream.subspan(at, std::min(chunk, stream.size() - at));
        client.feed(piece);
        upstream.feed(piece);
        proto::Frame f;
        for (;;) {
            const auto status = client.next(f);
            if (status == proto::FrameDecoder::Status::Error) {
                clientFailed = true;
                break;
            }
            if (clientFailed)
                std::abort(); // a frame after a refusal: the error did not stick
            if (status == proto::FrameDecoder::Status::NeedMore)
                break;
            decodeFrontend(f);
            if (f.tag == 0)
                client.setPhase(proto::FrameDecoder::Phase::Messages);
        }
        for (;;) {
            const auto status = upstream.next(f);
            if (status == proto::FrameDecoder::Status::Error) {
                upstreamFailed = true;
                break;
            }
            if (upstreamFailed)
                std::abort();
            if (status == proto::FrameDecoder::Status::NeedMore)
                break;
            decodeBackend(f);
            (void)filter.onUpstream(f.tag, f.body);
            filter.takeCompleted(completed);
        }
        if (clientFailed && upstreamFailed)
            break;
    }

    // The same bytes as SCRAM server messages: first as server-first, then (split at the first
    // newline) as server-final after a well-formed first.
    const std::string_view text(reinterpret_cast<const char *>(stream.data()), stream.size());
    writ::gateway::auth::ScramClient scram("password", "", "fuzznonce");
    (void)scram.clientFirst();
    (void)scram.handleServerFirst(text);
    // A valid server-first costs 4096 PBKDF2 rounds; one input in 16 goes on to server-final, so the
    // fuzzer spends its time on parsing rather than hashing.
    if ((data[0] & 0x0f) == 0) {
        writ::gateway::auth::ScramClient second("password", "", "fuzznonce");
        (void)second.clientFirst();
        const auto nl = text.find('\n');
        if (second.handleServerFirst("r=fuzznonceSERVER,s=c2FsdA==,i=4096"))
            (void)second.handleServerFinal(nl == std::string_view::npos ? text : text.substr(nl + 1));
    }
    return 0;
}
