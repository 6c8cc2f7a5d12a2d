using System.IO.Compression;
using Google.Protobuf;
using LlamaSwap.AppHost.Dashboard.Auth;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Logs.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Metrics.V1;
using LlamaSwap.AppHost.Dashboard.Otlp.Proto.Collector.Trace.V1;
using LlamaSwap.AppHost.Dashboard.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using RpcStatus = LlamaSwap.AppHost.Dashboard.Otlp.Proto.Rpc.Status;

namespace LlamaSwap.AppHost.Dashboard.Otlp;

/// <summary>
/// The OTLP/HTTP receiver: <c>POST /v1/traces|logs|metrics</c> with binary protobuf bodies, optionally
/// gzip-compressed, at most <see cref="OtlpHttpConstants.MaxRequestBytes"/> after decompression.
/// Replies 200 with the Export*ServiceResponse (partial_success only when something was dropped),
/// 400 for undecodable data, 401 without the API key, 413 when too large, 415 for other content types.
/// </summary>
internal static class OtlpHttpEndpoints
{
    public static void MapOtlpHttp(this WebApplication app, TelemetryRepository repository, OtlpAuthenticator authenticator)
    {
        app.MapPost(OtlpHttpConstants.TracesPath, context => HandleAsync(context, authenticator, ExportTraceServiceRequest.Parser, request =>
        {
            var rejected = repository.AddTraces(request);
            return new ExportTraceServiceResponse
            {
                PartialSuccess = rejected == 0 ? null : new ExportTracePartialSuccess
                {
                    RejectedSpans = rejected,
                    ErrorMessage = $"the dashboard keeps at most {repository.Limits.MaxSpanCount} spans; a larger trace was cut",
                },
            };
        }));
        app.MapPost(OtlpHttpConstants.LogsPath, context => HandleAsync(context, authenticator, ExportLogsServiceRequest.Parser, request =>
        {
            repository.AddLogs(request);
            return new ExportLogsServiceResponse();
        }));
        app.MapPost(OtlpHttpConstants.MetricsPath, context => HandleAsync(context, authenticator, ExportMetricsServiceRequest.Parser, request =>
        {
            var rejected = repository.AddMetrics(request);
            return new ExportMetricsServiceResponse
            {
                PartialSuccess = rejected == 0 ? null : new ExportMetricsPartialSuccess
                {
                    RejectedDataPoints = rejected,
                    ErrorMessage = $"instrument or series limit reached (at most {repository.Limits.MaxInstrumentCount} instruments, {repository.Limits.MaxSeriesPerInstrument} series each)",
                },
            };
        }));
    }

    private static async Task HandleAsync<TRequest, TResponse>(
        HttpContext context, OtlpAuthenticator authenticator, MessageParser<TRequest> parser, Func<TRequest, TResponse> export)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        if (!authenticator.IsAuthorized(context.Request))
        {
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, OtlpHttpConstants.UnauthenticatedCode,
                $"missing or wrong {OtlpHttpConstants.ApiKeyHeader} header (the AppHost passes it in OTEL_EXPORTER_OTLP_HEADERS)");
            return;
        }

        if (!IsProtobuf(context.Request.ContentType))
        {
            await WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, OtlpHttpConstants.UnimplementedCode,
                $"content type '{context.Request.ContentType}' is not supported; send {OtlpHttpConstants.ProtobufContentType} (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf)");
            return;
        }

        var (body, error) = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (error == BodyError.TooLarge)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, OtlpHttpConstants.ResourceExhaustedCode,
                $"the request is larger than {OtlpHttpConstants.MaxRequestBytes} bytes");
            return;
        }
        if (error == BodyError.CorruptGzip)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, OtlpHttpConstants.InvalidArgumentCode, "the body is not valid gzip (Content-Encoding: gzip)");
            return;
        }

        TRequest request;
        try
        {
            request = parser.ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, OtlpHttpConstants.InvalidArgumentCode,
                $"the body is not a valid {typeof(TRequest).Name}: {e.Message}");
            return;
        }

        await WriteMessageAsync(context, StatusCodes.Status200OK, export(request));
    }

    private static bool IsProtobuf(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(OtlpHttpConstants.ProtobufContentType, StringComparison.OrdinalIgnoreCase);

    private enum BodyError { None, TooLarge, CorruptGzip }

    /// <summary>The decompressed body, read only up to the limit.</summary>
    private static async Task<(ReadOnlyMemory<byte> Body, BodyError Error)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > OtlpHttpConstants.MaxRequestBytes)
            return (default, BodyError.TooLarge);

        var gzip = request.Headers.ContentEncoding.Any(e => string.Equals(e, OtlpHttpConstants.GzipEncoding, StringComparison.OrdinalIgnoreCase));
        await using var source = gzip ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true) : request.Body;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = await source.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > OtlpHttpConstants.MaxRequestBytes)
                    return (default, BodyError.TooLarge);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            return (default, BodyError.CorruptGzip);
        }
        return (buffer.GetBuffer().AsMemory(0, (int)buffer.Length), BodyError.None);
    }

    private static Task WriteErrorAsync(HttpContext context, int httpStatus, int rpcCode, string message) =>
        WriteMessageAsync(context, httpStatus, new RpcStatus { Code = rpcCode, Message = message });

    private static async Task WriteMessageAsync(HttpContext context, int httpStatus, IMessage message)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = OtlpHttpConstants.ProtobufContentType;
        var bytes = message.ToByteArray();
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
