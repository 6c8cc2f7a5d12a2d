using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Tests.Rpc.Wire;

public sealed class GrpcTimeoutTests
{
    public static TheoryData<string, long> ValidValues => new()
    {
        // header value, expected ticks
        { "1H", TimeSpan.FromHours(1).Ticks },
        { "2M", TimeSpan.FromMinutes(2).Ticks },
        { "3S", TimeSpan.FromSeconds(3).Ticks },
        { "250m", TimeSpan.FromMilliseconds(250).Ticks },
        { "1500u", TimeSpan.FromMicroseconds(1500).Ticks },
        { "100n", 1 },
        { "99n", 0 },
        { "0S", 0 },
        { "00000005S", TimeSpan.FromSeconds(5).Ticks },
        { "99999999m", TimeSpan.FromMilliseconds(99_999_999).Ticks },
        { "99999999S", GrpcProtocolConstants.MaxTimeout.Ticks },
        { "99999999H", GrpcProtocolConstants.MaxTimeout.Ticks },
        { "99999999M", GrpcProtocolConstants.MaxTimeout.Ticks },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void TryParseAcceptsOneToEightDigitsAndAUnit(string value, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("5")]
    [InlineData("123456789S")]
    [InlineData("1s")]
    [InlineData("1h")]
    [InlineData("1x")]
    [InlineData("-1S")]
    [InlineData("+1S")]
    [InlineData(" 1S")]
    [InlineData("1S ")]
    [InlineData("1 S")]
    [InlineData("1.5S")]
    [InlineData("1e3m")]
    [InlineData("１S")]
    [InlineData("SS")]
    public void TryParseRejectsWhatTheSpecDoesNotAllow(string value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _));
    }

    public static TheoryData<long, string> Formats => new()
    {
        // ticks, header value
        { 0, "1n" },
        { -TimeSpan.TicksPerSecond, "1n" },
        { 1, "100n" },
        { TimeSpan.FromMilliseconds(100).Ticks, "100m" },
        { TimeSpan.FromMilliseconds(1500).Ticks, "1500m" },
        { TimeSpan.FromSeconds(1).Ticks, "1S" },
        { TimeSpan.FromSeconds(90).Ticks, "90S" },
        { TimeSpan.FromMinutes(2).Ticks, "2M" },
        { TimeSpan.FromHours(1).Ticks, "1H" },
        { TimeSpan.FromDays(1).Ticks, "24H" },
        { TimeSpan.FromMicroseconds(1).Ticks, "1u" },

        // 123.4567891 s is not exact in 8 digits of any unit: rounded up in the finest that fits.
        { 1_234_567_891, "123457m" },
        { GrpcProtocolConstants.MaxTimeout.Ticks, "99999999S" },
        { TimeSpan.MaxValue.Ticks, "99999999S" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void FormatPicksTheShortestExactValueElseRoundsUp(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(123_456_789)]
    [InlineData(9_999_999_999)]
    [InlineData(864_000_000_001)]
    [InlineData(35_999_999_999_999)]
    public void FormattedValuesParseToNoLessThanTheOriginal(long ticks)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        var formatted = GrpcTimeout.Format(timeout);

        Assert.True(formatted.Length <= 9, formatted);
        Assert.True(GrpcTimeout.TryParse(formatted, out var parsed), formatted);
        Assert.InRange(parsed, timeout, timeout + (timeout / 1000) + TimeSpan.FromTicks(1));
    }
}
