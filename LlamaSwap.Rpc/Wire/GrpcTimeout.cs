namespace LlamaSwap.Rpc.Wire;

/// <summary>
/// The <c>grpc-timeout</c> header: <c>TimeoutValue TimeoutUnit</c>, 1 to 8 ASCII digits
/// then one of H M S m u n (PROTOCOL-HTTP2.md "Requests").
/// </summary>
internal static class GrpcTimeout
{
    private const long NanosecondsPerTick = 100;

    // Coarsest first, so formatting prefers the shortest exact representation.
    private static readonly (char Unit, long Nanoseconds)[] Units =
    [
        ('H', 3_600_000_000_000),
        ('M', 60_000_000_000),
        ('S', 1_000_000_000),
        ('m', 1_000_000),
        ('u', 1_000),
        ('n', 1),
    ];

    /// <summary>
    /// Parses a header value. False for anything the spec does not allow (empty, no unit,
    /// more than 8 digits, signs, spaces, unknown unit). Values beyond
    /// <see cref="GrpcProtocolConstants.MaxTimeout"/> are capped to it.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length is < 2 or > 9)
        {
            return false;
        }

        long nanosecondsPerUnit = 0;
        foreach (var (unit, nanoseconds) in Units)
        {
            if (value[^1] == unit)
            {
                nanosecondsPerUnit = nanoseconds;
                break;
            }
        }

        if (nanosecondsPerUnit == 0)
        {
            return false;
        }

        long amount = 0;
        foreach (var c in value[..^1])
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        // Eight digits of hours overflow long nanoseconds; compare in seconds first.
        var capSeconds = (decimal)GrpcProtocolConstants.MaxTimeoutValue;
        if ((decimal)amount * nanosecondsPerUnit / 1_000_000_000m >= capSeconds)
        {
            timeout = GrpcProtocolConstants.MaxTimeout;
            return true;
        }

        timeout = TimeSpan.FromTicks(amount * nanosecondsPerUnit / NanosecondsPerTick);
        return true;
    }

    /// <summary>
    /// Formats a timeout for the header: the coarsest unit that represents it exactly in at
    /// most 8 digits, else the finest unit that fits, rounded up (so the server's deadline
    /// is never earlier than the client's). Zero or negative becomes <c>1n</c>, which the
    /// server sees as already expired.
    /// </summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        if (timeout >= GrpcProtocolConstants.MaxTimeout)
        {
            return $"{GrpcProtocolConstants.MaxTimeoutValue}S";
        }

        // Below the cap, ticks * 100 fits easily in a long.
        var nanoseconds = timeout.Ticks * NanosecondsPerTick;
        foreach (var (unit, perUnit) in Units)
        {
            if (nanoseconds % perUnit == 0 && nanoseconds / perUnit <= GrpcProtocolConstants.MaxTimeoutValue)
            {
                return $"{nanoseconds / perUnit}{unit}";
            }
        }

        for (var i = Units.Length - 1; i >= 0; i--)
        {
            var (unit, perUnit) = Units[i];
            var amount = (nanoseconds + perUnit - 1) / perUnit;
            if (amount <= GrpcProtocolConstants.MaxTimeoutValue)
            {
                return $"{amount}{unit}";
            }
        }

        return $"{GrpcProtocolConstants.MaxTimeoutValue}S";
    }
}
