using System.Diagnostics;

namespace LlamaSwap.Proxy.Telemetry;

/// <summary>One request's clock: when it began and when its first response byte left (recorded once).</summary>
internal sealed class RequestTiming(ProxyTelemetry telemetry, TimeProvider timeProvider, string model)
{
    private readonly long _start = timeProvider.GetTimestamp();
    private int _firstByteSeen;

    public string Model => model;

    public TimeSpan Elapsed => timeProvider.GetElapsedTime(_start);

    public void FirstByte(int statusCode)
    {
        if (Interlocked.Exchange(ref _firstByteSeen, 1) == 0)
            telemetry.FirstByte(model, statusCode, Elapsed);
    }

    public static string StatusText(int statusCode) => statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static void SetStatus(System.Diagnostics.Activity? activity, int statusCode)
    {
        activity?.SetTag(ProxyTelemetry.Tags.StatusCode, statusCode);
        if (statusCode >= 500)
            activity?.SetStatus(ActivityStatusCode.Error);
    }
}
