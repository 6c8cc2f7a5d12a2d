using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaSwap.Proxy.Requests;

/// <summary>
/// Finds the model a request names, as llama-swap does: the query string for GET, otherwise by content
/// type a JSON body's <c>model</c>, a multipart form's <c>model</c> field, a urlencoded form's
/// <c>model</c>, or else the query string. Bodies are read forward only and only as far as the model
/// (and, when asked, the <c>stream</c> flag); what was read is kept for forwarding.
/// </summary>
internal static class RequestModelExtractor
{
    private const int PipeBufferSize = 16 * 1024;

    public static async Task<InboundRequest> ExtractAsync(HttpRequest request, bool wantStream, CancellationToken cancellationToken)
    {
        var hasBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || !hasBody)
            return FromQuery(request, hasBody);

        var contentType = request.ContentType ?? "";
        if (contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase))
            return await FromJsonAsync(request, wantStream, cancellationToken).ConfigureAwait(false);
        if (contentType.Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await FromMultipartAsync(request, cancellationToken).ConfigureAwait(false);
        if (contentType.Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return await FromFormAsync(request, cancellationToken).ConfigureAwait(false);
        return FromQuery(request, hasBody);
    }

    private static InboundRequest FromQuery(HttpRequest request, bool hasBody)
    {
        string? model = request.Query["model"];
        return new InboundRequest(request)
        {
            Model = string.IsNullOrEmpty(model) ? null : model,
            Stream = request.Query["stream"] == "true",
            Source = ModelSource.Query,
            HasBody = hasBody,
        };
    }

    private static async Task<InboundRequest> FromJsonAsync(HttpRequest request, bool wantStream, CancellationToken cancellationToken)
    {
        var recorded = new RecordedBody(expectedLength: request.ContentLength);
        var recording = new RecordingStream(request.Body, recorded);
        var pipe = PipeReader.Create(recording, new StreamPipeReaderOptions(bufferSize: PipeBufferSize, leaveOpen: true));
        JsonModelScanner.Result scan;
        try
        {
            scan = await JsonModelScanner.ScanAsync(pipe, wantStream, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }

        var inbound = new InboundRequest(request)
        {
            Model = string.IsNullOrEmpty(scan.Model) ? null : scan.Model,
            ModelRange = scan.ModelToken,
            Stream = scan.Stream ?? false,
            Source = ModelSource.JsonBody,
            Recorded = recorded,
            HasBody = true,
        };
        if (recording.ReachedEnd || recorded.Length == request.ContentLength)
            inbound.MarkComplete();
        return inbound;
    }

    private static async Task<InboundRequest> FromMultipartAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var recorded = new RecordedBody(expectedLength: request.ContentLength);
        if (MultipartModelScanner.Boundary(request.ContentType) is not { } boundary)
        {
            return new InboundRequest(request)
            {
                Source = ModelSource.MultipartBody,
                Recorded = recorded,
                HasBody = true,
                BodyError = "multipart/form-data without a boundary",
            };
        }

        var recording = new RecordingStream(request.Body, recorded);
        var pipe = PipeReader.Create(recording, new StreamPipeReaderOptions(bufferSize: PipeBufferSize, leaveOpen: true));
        MultipartModelScanner.Result scan;
        try
        {
            scan = await MultipartModelScanner.ScanAsync(pipe, boundary, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }

        var inbound = new InboundRequest(request)
        {
            Model = string.IsNullOrEmpty(scan.Model) ? null : scan.Model,
            ModelRange = scan.ModelValue,
            Source = ModelSource.MultipartBody,
            Recorded = recorded,
            HasBody = true,
            // A missing model field is answered as "no model", not as a malformed body.
            BodyError = scan.Model is null && scan.Error is { } error && error != MultipartModelScanner.NoModelField ? error : null,
        };
        if (recording.ReachedEnd || recorded.Length == request.ContentLength)
            inbound.MarkComplete();
        return inbound;
    }

    private static async Task<InboundRequest> FromFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var recorded = new RecordedBody(expectedLength: request.ContentLength);
        var inbound = new InboundRequest(request) { Recorded = recorded, Source = ModelSource.FormBody, HasBody = true };
        await inbound.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var form = recorded.InMemory ? recorded.Memory : await recorded.ToArrayAsync(cancellationToken).ConfigureAwait(false);
        var fields = FormModelReader.Read(form.Span);
        if (fields.Model is null)
        {
            // llama-swap parses the query too when the form body has no model.
            string? queryModel = request.Query["model"];
            return new InboundRequest(request)
            {
                Model = string.IsNullOrEmpty(queryModel) ? null : queryModel,
                Stream = fields.Stream || request.Query["stream"] == "true",
                Source = ModelSource.Query,
                Recorded = recorded,
                HasBody = true,
            }.Completed();
        }

        return new InboundRequest(request)
        {
            Model = fields.Model,
            ModelRange = fields.ModelValue,
            Stream = fields.Stream,
            Source = ModelSource.FormBody,
            Recorded = recorded,
            HasBody = true,
        }.Completed();
    }

    private static InboundRequest Completed(this InboundRequest inbound)
    {
        inbound.MarkComplete();
        return inbound;
    }
}
