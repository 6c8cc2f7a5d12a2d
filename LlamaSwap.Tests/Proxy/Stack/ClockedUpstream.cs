using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Proxy.Stack;

/// <summary>
/// An upstream on a real socket in this process that writes paced chunks and records, on the test's own
/// clock, when each chunk was flushed to its socket; so a test can measure how much later each chunk
/// reached the client. <c>GET /clock?id=ID&amp;chunks=N&amp;interval=MS</c>.
/// </summary>
internal sealed class ClockedUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<long>> _writes = new();

    private ClockedUpstream(WebApplication app) => _app = app;

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Address => _app.Urls.Single().TrimEnd('/');

    /// <summary>Stopwatch timestamps of the writes made for request <paramref name="id"/>.</summary>
    public IReadOnlyList<long> Writes(string id) => _writes.TryGetValue(id, out var writes) ? writes : [];

    public static async Task<ClockedUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new ClockedUpstream(app);
        app.MapGet("/clock", upstream.ClockAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return upstream;
    }

    private async Task ClockAsync(HttpContext context)
    {
        var id = context.Request.Query["id"].ToString();
        var chunks = int.Parse(context.Request.Query["chunks"].ToString(), CultureInfo.InvariantCulture);
        var interval = TimeSpan.FromMilliseconds(int.Parse(context.Request.Query["interval"].ToString(), CultureInfo.InvariantCulture));
        var writes = _writes.GetOrAdd(id, _ => []);
        context.Response.ContentType = "text/plain";
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < chunks; i++)
        {
            // An absolute schedule: a late write never delays the ones after it.
            var due = start + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, context.RequestAborted);
            await context.Response.WriteAsync($"chunk {i}\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            lock (writes)
                writes.Add(Stopwatch.GetTimestamp());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
