using LlamaSwap.ServiceDefaults;

namespace LlamaSwap.Proxy.Metrics;

/// <summary>
/// The Supervisor's own Prometheus text (host CPU, memory and GPU gauges), fetched from its <c>http</c>
/// endpoint for each scrape of <c>/metrics</c> and appended there. A slow or absent Supervisor costs a scrape at
/// most <see cref="Timeout"/>; the text then carries a comment saying why its metrics are missing.
/// </summary>
internal sealed class SupervisorMetricsSource(IConfiguration configuration) : IDisposable
{
    public const string ServiceName = "supervisor";
    public const string EndpointName = "http";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <returns>The text to append (ending in a newline), or empty when no Supervisor address is configured.</returns>
    public async Task<string> FetchAsync(CancellationToken cancellationToken)
    {
        if (ServiceEndpointResolver.Resolve(configuration, ServiceName, EndpointName) is not { } address)
            return "";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri(address, "/metrics"), timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return $"# supervisor metrics unavailable: {address} answered {(int)response.StatusCode}\n";
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return text.Length == 0 || text.EndsWith('\n') ? text : text + "\n";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"# supervisor metrics unavailable: {address} did not answer within {Timeout.TotalSeconds:0.###} s\n";
        }
        catch (HttpRequestException ex)
        {
            return $"# supervisor metrics unavailable: {address}: {ex.Message.ReplaceLineEndings(" ")}\n";
        }
    }

    public void Dispose() => _http.Dispose();
}
