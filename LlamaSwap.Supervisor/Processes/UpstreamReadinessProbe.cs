using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// Polls an upstream's check endpoint until it answers HTTP 200, through a Polly pipeline: an overall timeout (the
/// model's <c>healthCheckTimeout</c>) around a retry with <see cref="ReadinessBackoff"/> around a per-attempt timeout.
/// </summary>
internal sealed class UpstreamReadinessProbe(HttpClient client, TimeProvider time, UpstreamProcessOptions options)
{
    // Polly's timeout strategy accepts 10 ms to 1 day.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>
    /// A client for readiness polls only: no proxy (HTTP_PROXY must not capture loopback polls), no redirects, no
    /// overall timeout (each poll has its own), and none of the resilience handlers other clients may get.
    /// </summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>
    /// Returns when the endpoint answered 200 or <paramref name="timeout"/> passed. <paramref name="onAttempt"/> gets the
    /// number of polls finished so far after each one. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async Task<ReadinessResult> WaitAsync(Uri url, TimeSpan timeout, Action<int>? onAttempt, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var lastFailure = "no poll finished";
        var started = time.GetTimestamp();
        var perAttempt = Clamp(options.ReadinessAttemptTimeout < timeout ? options.ReadinessAttemptTimeout : timeout);
        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddTimeout(Clamp(timeout))
            .AddRetry(new RetryStrategyOptions<bool>
            {
                MaxRetryAttempts = int.MaxValue,
                UseJitter = false,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    ReadinessBackoff.Delay(args.AttemptNumber, time.GetElapsedTime(started), options)),
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    TimeoutRejectedException => true,
                    null => !args.Outcome.Result,
                    _ => false,
                }),
            })
            .AddTimeout(perAttempt)
            .Build();

        try
        {
            await pipeline.ExecuteAsync(
                async token =>
                {
                    var attempt = Interlocked.Increment(ref attempts);
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, url);
                        // A fresh connection per poll: an idle keep-alive connection can tie up one of the upstream's
                        // few HTTP worker threads.
                        request.Headers.ConnectionClose = true;
                        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            return true;
                        }

                        lastFailure = $"HTTP {(int)response.StatusCode}";
                        return false;
                    }
                    catch (HttpRequestException e)
                    {
                        lastFailure = e.Message;
                        return false;
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        lastFailure = $"no answer within {DurationText.Format(perAttempt)}";
                        throw;
                    }
                    finally
                    {
                        onAttempt?.Invoke(attempt);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            return new ReadinessResult(true, attempts, "");
        }
        catch (TimeoutRejectedException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReadinessResult(false, attempts, lastFailure);
        }
    }

    private static TimeSpan Clamp(TimeSpan value) => value < MinTimeout ? MinTimeout : value > MaxTimeout ? MaxTimeout : value;
}

/// <param name="LastFailure">Why the last poll did not count as ready (empty when ready).</param>
internal sealed record ReadinessResult(bool Ready, int Attempts, string LastFailure);
