using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Tests.Rpc.Wire;

public sealed class StatusMappingTests
{
    [Theory]
    [InlineData("0", StatusCode.OK)]
    [InlineData("1", StatusCode.Cancelled)]
    [InlineData("4", StatusCode.DeadlineExceeded)]
    [InlineData("12", StatusCode.Unimplemented)]
    [InlineData("16", StatusCode.Unauthenticated)]
    [InlineData("17", StatusCode.Unknown)]
    [InlineData("-1", StatusCode.Unknown)]
    [InlineData("", StatusCode.Unknown)]
    [InlineData(" 0", StatusCode.Unknown)]
    [InlineData("0x1", StatusCode.Unknown)]
    [InlineData("OK", StatusCode.Unknown)]
    [InlineData("99999999999999999999", StatusCode.Unknown)]
    public void TryParseStatusMapsUnparseableAndUnknownCodesToUnknown(string value, StatusCode expected)
    {
        Assert.True(StatusMapping.TryParseStatus(value, out var code));
        Assert.Equal(expected, code);
    }

    [Fact]
    public void TryParseStatusReportsAMissingHeader()
    {
        Assert.False(StatusMapping.TryParseStatus(null, out _));
    }

    [Fact]
    public void FormatStatusIsDecimalWithoutLeadingZeros()
    {
        Assert.Equal("0", StatusMapping.FormatStatus(StatusCode.OK));
        Assert.Equal("8", StatusMapping.FormatStatus(StatusCode.ResourceExhausted));
        Assert.Equal("16", StatusMapping.FormatStatus(StatusCode.Unauthenticated));
    }

    [Fact]
    public void StatusCodeHasTheSeventeenWireValues()
    {
        Assert.Equal(Enumerable.Range(0, 17), Enum.GetValues<StatusCode>().Select(c => (int)c));
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(431, StatusCode.Internal)]
    [InlineData(200, StatusCode.Unknown)]
    [InlineData(500, StatusCode.Unknown)]
    [InlineData(415, StatusCode.Unknown)]
    [InlineData(0, StatusCode.Unknown)]
    public void FromHttpStatusFollowsTheHttpToGrpcMapping(int httpStatus, StatusCode expected)
    {
        Assert.Equal(expected, StatusMapping.FromHttpStatus(httpStatus));
    }

    [Theory]
    [InlineData(0x0, StatusCode.Internal)]
    [InlineData(0x1, StatusCode.Internal)]
    [InlineData(0x2, StatusCode.Internal)]
    [InlineData(0x3, StatusCode.Internal)]
    [InlineData(0x4, StatusCode.Internal)]
    [InlineData(0x6, StatusCode.Internal)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0x9, StatusCode.Internal)]
    [InlineData(0xa, StatusCode.Internal)]
    [InlineData(0xb, StatusCode.ResourceExhausted)]
    [InlineData(0xc, StatusCode.PermissionDenied)]
    [InlineData(0xff, StatusCode.Internal)]
    public void FromHttp2ErrorCodeFollowsTheRstStreamMapping(long errorCode, StatusCode expected)
    {
        Assert.Equal(expected, StatusMapping.FromHttp2ErrorCode(errorCode));
    }
}
