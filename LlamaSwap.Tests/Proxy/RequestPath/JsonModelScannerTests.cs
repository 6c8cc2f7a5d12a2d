using System.Text;
using LlamaSwap.Proxy.Requests;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class JsonModelScannerTests
{
    [Theory]
    [InlineData("""{"model":"m1","stream":true}""", "m1", true)]
    [InlineData("""{"stream":false,"model":"m1"}""", "m1", false)]
    [InlineData("""{"messages":[{"role":"user","content":"x","model":"inner"}],"model":"outer"}""", "outer", null)]
    [InlineData("""{"meta":{"model":"inner","stream":true},"model":"m\u00e9","n":1}""", "mé", null)]
    [InlineData("""{"model":"a\"b"}""", "a\"b", null)]
    [InlineData("""  {  "model" : "spaced" }  """, "spaced", null)]
    public async Task FindsTopLevelModelAndStream(string json, string model, bool? stream)
    {
        var result = await JsonModelScanner.ScanAsync(await PipeInput.FromAsync(json), wantStream: true, TestContext.Current.CancellationToken);

        Assert.Equal(model, result.Model);
        Assert.Equal(stream, result.Stream);
        Assert.False(result.Malformed);
    }

    [Theory]
    [InlineData("""{"model":42}""")]
    [InlineData("""{"model":null}""")]
    [InlineData("""{"model":{"id":"x"}}""")]
    [InlineData("""["model","m1"]""")]
    [InlineData("\"m1\"")]
    [InlineData("""{"other":"m1"}""")]
    public async Task NoStringModelAtTheTopLevelMeansNoModel(string json)
    {
        var result = await JsonModelScanner.ScanAsync(await PipeInput.FromAsync(json), wantStream: false, TestContext.Current.CancellationToken);

        Assert.Null(result.Model);
    }

    [Theory]
    [InlineData("""{"model":"m1" """)]
    [InlineData("""{"model":"m1",}""")]
    [InlineData("""{"messages":[1,2,""")]
    [InlineData("")]
    [InlineData("not json")]
    public async Task MalformedOrTruncatedJsonYieldsNoModel(string json)
    {
        var result = await JsonModelScanner.ScanAsync(await PipeInput.FromAsync(json), wantStream: true, TestContext.Current.CancellationToken);

        Assert.Null(result.Model);
        Assert.True(result.Malformed);
    }

    [Fact]
    public async Task ModelTokenRangeCoversTheStringWithItsQuotes()
    {
        const string json = """{"messages":[{"content":"hello"}], "model" : "q\u0077en" , "x":1}""";
        var bytes = Encoding.UTF8.GetBytes(json);

        var result = await JsonModelScanner.ScanAsync(await PipeInput.FromAsync(bytes, chunkSize: 2), wantStream: false, TestContext.Current.CancellationToken);

        Assert.Equal("qwen", result.Model);
        var range = Assert.NotNull(result.ModelToken);
        Assert.Equal("\"q\\u0077en\"", Encoding.UTF8.GetString(bytes, (int)range.Offset, (int)range.Length));
    }

    [Fact]
    public async Task StopsReadingOnceTheModelIsFoundWhenStreamIsNotWanted()
    {
        var reader = await PipeInput.FromAsync("""{"model":"m1","rest":"this part is never parsed""", chunkSize: 4);

        var result = await JsonModelScanner.ScanAsync(reader, wantStream: false, TestContext.Current.CancellationToken);

        Assert.Equal("m1", result.Model);
        Assert.False(result.Malformed);
    }

    [Fact]
    public async Task ReadsPastAHugeMessagesArrayToAModelAtTheEnd()
    {
        var content = new string('x', 300_000);
        var json = $$"""{"messages":[{"role":"user","content":"{{content}}"}],"stream":true,"model":"last"}""";

        var result = await JsonModelScanner.ScanAsync(await PipeInput.FromAsync(json, chunkSize: 4096), wantStream: true, TestContext.Current.CancellationToken);

        Assert.Equal("last", result.Model);
        Assert.True(result.Stream);
    }
}
