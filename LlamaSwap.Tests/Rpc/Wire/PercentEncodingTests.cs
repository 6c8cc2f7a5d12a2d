using LlamaSwap.Rpc.Wire;

namespace LlamaSwap.Tests.Rpc.Wire;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("model qwen not found", "model qwen not found")]
    [InlineData("~ and ! pass", "~ and ! pass")]
    [InlineData("100%", "100%25")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("tab\t", "tab%09")]
    [InlineData("\u007f", "%7F")]
    [InlineData("café", "caf%C3%A9")]
    [InlineData("日本", "%E6%97%A5%E6%9C%AC")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void EncodePassesPrintableAsciiAndEscapesEverythingElse(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Encode(value));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("plain", "plain")]
    [InlineData("100%25", "100%")]
    [InlineData("caf%C3%A9", "café")]
    [InlineData("caf%c3%a9", "café")]
    [InlineData("%F0%9F%98%80", "😀")]
    [InlineData("%", "%")]
    [InlineData("abc%", "abc%")]
    [InlineData("%2", "%2")]
    [InlineData("%zz", "%zz")]
    [InlineData("%%25", "%%")]
    [InlineData("%G1", "%G1")]
    [InlineData("raw café %21", "raw café !")]
    [InlineData("%E6%97", "\uFFFD")]
    [InlineData("%FF", "\uFFFD")]
    public void DecodeNeverFailsAndKeepsBrokenEscapes(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(value));
    }

    [Theory]
    [InlineData("Model \"qwen/3\" failed: exit code 1 — see log")]
    [InlineData("%41 is not A")]
    [InlineData("\r\n\0")]
    public void DecodeInvertsEncode(string value)
    {
        Assert.Equal(value, PercentEncoding.Decode(PercentEncoding.Encode(value)));
    }
}
