using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace LlamaSwap.Benchmarks.Scenarios.Proxy;

/// <summary>
/// The load generator's HTTP side: OpenAI chat completions over keep-alive HTTP/1.1 connections
/// (one pool per target, as many connections as workers), bodies read to the end.
/// </summary>
internal sealed class ChatClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _client;
    private readonly bool _closeConnections;

    /// <param name="closeConnections">
    /// One connection per request: for upstreams that come and go on the same port (swaps), where a
    /// pooled connection to the previous process would fail the next request.
    /// </param>
    public ChatClient(bool closeConnections = false)
    {
        _closeConnections = closeConnections;
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
        })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public static byte[] Body(string model, bool stream) => Encoding.UTF8.GetBytes(
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Say something short."}]}""");

    /// <summary>One completion before any measurement: null when it answered 200, else what it answered.</summary>
    public async Task<string?> ProbeAsync(Uri url, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = Request(url, body);
            using var response = await _client.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return $"answers HTTP {(int)response.StatusCode} to a chat completion: {(text.Length > 160 ? text[..160] + "…" : text)}".ReplaceLineEndings(" ");
        }
        catch (HttpRequestException ex)
        {
            return $"chat completion failed: {ex.Message}";
        }
    }

    /// <summary>One non-streamed completion; true when it answered 200 with a body.</summary>
    public async ValueTask<bool> CompleteAsync(Uri url, byte[] body, CancellationToken cancellationToken)
    {
        using var request = Request(url, body);
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return response.StatusCode == HttpStatusCode.OK && total > 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// One streamed completion, timed: when the first body byte arrived and when each SSE event
    /// (ended by a blank line) was complete, as <see cref="Stopwatch"/> timestamps.
    /// Null when the answer was not 200.
    /// </summary>
    public async Task<StreamTiming?> StreamAsync(Uri url, byte[] body, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = Request(url, body);
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var events = new List<long>(64);
            long firstByte = 0;
            var previous = (byte)0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                var now = Stopwatch.GetTimestamp();
                if (firstByte == 0)
                {
                    firstByte = now;
                }

                // Events end with "\n\n"; the pair may straddle two reads.
                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b == (byte)'\n' && previous == (byte)'\n')
                    {
                        events.Add(now);
                    }

                    previous = b == (byte)'\r' ? previous : b;
                }
            }

            return firstByte == 0 ? null : new StreamTiming(start, firstByte, events);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private HttpRequestMessage Request(Uri url, byte[] body) => new(HttpMethod.Post, url)
    {
        Content = new ByteArrayContent(body) { Headers = { ContentType = Json } },
        Version = HttpVersion.Version11,
        Headers = { ConnectionClose = _closeConnections ? true : null },
    };

    public void Dispose() => _client.Dispose();
}

/// <summary>Timestamps of one streamed response: request start, first body byte, end of each SSE event.</summary>
internal sealed record StreamTiming(long Start, long FirstByte, List<long> Events)
{
    public long TimeToFirstByte => FirstByte - Start;

    /// <summary>Mean time from the request's start to each event's arrival: when, on average, a chunk reached the client.</summary>
    public double MeanEventArrival => Events.Count == 0 ? 0 : Events.Average(e => (double)(e - Start));
}
