using System.Text;
using System.Text.Json;
using LlamaSwap.Proxy.Errors;
using LlamaSwap.Proxy.Forwarding;
using LlamaSwap.Proxy.Requests;
using Microsoft.AspNetCore.Http.Extensions;

namespace LlamaSwap.Proxy.Filters;

/// <summary>
/// Decides what goes upstream for one request: the body (untouched and streamed, with the model value
/// spliced in place, or rewritten whole when JSON filters apply) and the query string.
/// </summary>
/// <remarks>
/// Only a JSON body with <c>stripParams</c>/<c>setParams</c>/<c>setParamsByID</c> work is read whole;
/// a model rename alone (useModelName, a profile or selector target, a peer's own model name) replaces
/// the value where it was found and leaves every other byte, file parts included, streaming through.
/// Content-Length follows the change; Transfer-Encoding is the transport's business.
/// </remarks>
internal static class RequestRewriter
{
    public sealed record Outcome(HttpContent? Content, QueryString Query, ReadOnlyMemory<byte>? CapturedBody, ProxyError? Error);

    /// <param name="upstreamModel">The model name the upstream must see; null or equal to the client's keeps it.</param>
    /// <param name="filters">JSON filters; ignored for bodies that are not JSON, as in llama-swap.</param>
    public static async Task<Outcome> RewriteAsync(InboundRequest inbound, string? upstreamModel, ParamFilters filters, CancellationToken cancellationToken)
    {
        var request = inbound.Request;
        if (inbound.BodyError is { } bodyError)
            return new Outcome(null, request.QueryString, null, ProxyError.UnreadableBody(bodyError));

        var rename = upstreamModel is not null && !string.Equals(upstreamModel, inbound.Model, StringComparison.Ordinal)
            ? upstreamModel
            : null;
        var query = request.QueryString;
        if (inbound.Source == ModelSource.Query && rename is not null)
            query = ReplaceQueryModel(request.Query, rename);

        if (!inbound.HasBody)
            return new Outcome(null, query, null, null);

        BodySplice? splice = null;
        switch (inbound.Source)
        {
            case ModelSource.JsonBody when !filters.IsEmpty:
                return await RewriteJsonAsync(inbound, rename, filters, query, cancellationToken).ConfigureAwait(false);
            case ModelSource.JsonBody when rename is not null && inbound.ModelRange is { } token:
                splice = new BodySplice(token, JsonSerializer.SerializeToUtf8Bytes(rename));
                break;
            case ModelSource.MultipartBody when rename is not null && inbound.ModelRange is { } value:
                splice = new BodySplice(value, Encoding.UTF8.GetBytes(rename));
                break;
            case ModelSource.FormBody when rename is not null && inbound.ModelRange is { } value:
                splice = new BodySplice(value, FormModelReader.Encode(rename));
                break;
        }

        var content = new ForwardedBodyContent(inbound.Recorded, splice, inbound.BodyComplete ? null : request.Body, request.ContentLength);
        CopyContentHeaders(request, content);
        ReadOnlyMemory<byte>? captured = inbound.Recorded is { } recorded ? recorded.MemoryPrefix : null;
        if (splice is not null && inbound.Recorded is { InMemory: true } whole && inbound.BodyComplete)
            captured = Splice(whole.Memory.Span, splice);
        return new Outcome(content, query, captured, null);
    }

    /// <summary>A body that is forwarded exactly as the client sends it (the /upstream passthrough).</summary>
    public static HttpContent? Passthrough(HttpRequest request, bool hasBody)
    {
        if (!hasBody)
            return null;
        var content = new ForwardedBodyContent(null, null, request.Body, request.ContentLength);
        CopyContentHeaders(request, content);
        return content;
    }

    private static async Task<Outcome> RewriteJsonAsync(InboundRequest inbound, string? rename, ParamFilters filters, QueryString query, CancellationToken cancellationToken)
    {
        byte[] rewritten;
        try
        {
            await inbound.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            var body = await inbound.Recorded!.ToArrayAsync(cancellationToken).ConfigureAwait(false);
            rewritten = JsonBodyFilter.Apply(body, rename, filters);
        }
        catch (JsonException e)
        {
            return new Outcome(null, query, null, ProxyError.UnreadableBody(e.Message));
        }

        var content = new ByteArrayContent(rewritten);
        CopyContentHeaders(inbound.Request, content);
        return new Outcome(content, query, rewritten, null);
    }

    private static byte[] Splice(ReadOnlySpan<byte> body, BodySplice splice)
    {
        var result = new byte[body.Length + splice.LengthDelta];
        var offset = (int)splice.Range.Offset;
        body[..offset].CopyTo(result);
        splice.Replacement.CopyTo(result, offset);
        body[(int)splice.Range.End..].CopyTo(result.AsSpan(offset + splice.Replacement.Length));
        return result;
    }

    private static QueryString ReplaceQueryModel(IQueryCollection query, string model)
    {
        var builder = new QueryBuilder();
        foreach (var (key, values) in query)
        {
            if (key == "model")
                builder.Add(key, model);
            else
                builder.Add(key, values.ToArray()!);
        }

        return builder.ToQueryString();
    }

    private static void CopyContentHeaders(HttpRequest request, HttpContent content)
    {
        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
    }
}
