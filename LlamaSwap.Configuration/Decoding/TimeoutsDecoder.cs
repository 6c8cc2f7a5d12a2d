namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>timeouts:</c> in whole seconds; 0 means no timeout.</summary>
internal static class TimeoutsDecoder
{
    public static UpstreamTimeouts Decode(Section parent, UpstreamTimeouts defaults)
    {
        if (parent.Child(Keys.Timeouts, Keys.TimeoutKeys) is not { } timeouts)
        {
            return defaults;
        }

        return defaults with
        {
            Connect = Read(timeouts, Keys.Connect, defaults.Connect),
            KeepAlive = Read(timeouts, Keys.KeepAlive, defaults.KeepAlive),
            ResponseHeader = Read(timeouts, Keys.ResponseHeader, defaults.ResponseHeader),
            TlsHandshake = Read(timeouts, Keys.TlsHandshake, defaults.TlsHandshake),
            ExpectContinue = Read(timeouts, Keys.ExpectContinue, defaults.ExpectContinue),
            IdleConnection = Read(timeouts, Keys.IdleConn, defaults.IdleConnection),
        };
    }

    private static TimeSpan? Read(Section timeouts, string key, TimeSpan? fallback)
    {
        if (timeouts.Int(key) is not { } seconds)
        {
            return fallback;
        }

        if (seconds < 0)
        {
            timeouts.Error(key, $"must be >= 0 (got {seconds})");
            return fallback;
        }

        return seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
    }
}
