using LlamaSwap.Rpc;
using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Tests.Rpc.Wire;

public sealed class MetadataTests
{
    [Theory]
    [InlineData("traceparent")]
    [InlineData("x-request-id")]
    [InlineData("a.b_c-0")]
    [InlineData("Mixed-Case")]
    public void AddAcceptsValidKeysAndStoresThemLowerCase(string key)
    {
        var metadata = new Metadata().Add(key, "v");

        Assert.Equal(key.ToLowerInvariant(), metadata[0].Key);
        Assert.Equal("v", metadata.GetValue(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("colon:")]
    [InlineData("grpc-status")]
    [InlineData("ünicode")]
    public void AddRejectsInvalidOrReservedKeys(string key)
    {
        Assert.ThrowsAny<ArgumentException>(() => new Metadata().Add(key, "v"));
    }

    [Fact]
    public void TextAndBinaryKeysAreNotInterchangeable()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add("blob-bin", "text"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("blob", [1, 2]));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("key", "line\nbreak"));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("AQ", "01")]
    [InlineData("AQ==", "01")]
    [InlineData("AQI", "0102")]
    [InlineData("AQID", "010203")]
    public void TryDecodeBinaryAcceptsPaddedAndUnpaddedBase64(string value, string expectedHex)
    {
        Assert.True(MetadataValidation.TryDecodeBinary(value, out var bytes));
        Assert.Equal(expectedHex, Convert.ToHexString(bytes));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("!!!!")]
    [InlineData("AQ=")]
    [InlineData("A===")]
    public void TryDecodeBinaryRejectsInvalidBase64(string value)
    {
        Assert.False(MetadataValidation.TryDecodeBinary(value, out _));
    }

    [Fact]
    public void EncodeBinaryEmitsUnpaddedBase64()
    {
        Assert.Equal("AQ", MetadataValidation.EncodeBinary([1]));
        Assert.Equal("AQID", MetadataValidation.EncodeBinary([1, 2, 3]));
    }
}
