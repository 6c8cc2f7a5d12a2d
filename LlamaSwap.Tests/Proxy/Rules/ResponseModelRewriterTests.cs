using System.Net.Http.Headers;
using System.Text;
using LlamaSwap.Proxy.Forwarding;

namespace LlamaSwap.Tests.Proxy.Rules;

public sealed class ResponseModelRewriterTests
{
    private static string Run(string contentType, params string[] chunks)
    {
        var rewriter = ResponseModelRewriter.For(MediaTypeHeaderValue.Parse(contentType), "auto")!;
        var output = new StringBuilder();
        foreach (var chunk in chunks)
            output.Append(Encoding.UTF8.GetString(rewriter.Transform(Encoding.UTF8.GetBytes(chunk)).Span));
        output.Append(Encoding.UTF8.GetString(rewriter.Flush().Span));
        return output.ToString();
    }

    [Fact]
    public void EventsSplitAcrossChunksAreRewrittenWholeAndEverythingElsePassesAsIs()
    {
        var output = Run("text/event-stream; charset=utf-8",
            "data: {\"id\":1,\"mod", "el\":\"qwen-7b\",\"x\":\"qwen-7b\"}\n\n: keep-alive\n",
            "data: [DONE]\n\n");

        Assert.Equal("data: {\"id\":1,\"model\":\"auto\",\"x\":\"qwen-7b\"}\n\n: keep-alive\ndata: [DONE]\n\n", output);
    }

    [Fact]
    public void AJsonBodyGetsTheNameOnlyAtTheTopLevel()
    {
        var output = Run("application/json", "{\"model\":\"qwen-7b\",\"choices\":[{\"model\":\"inner\"}]", "}");

        Assert.Equal("{\"model\":\"auto\",\"choices\":[{\"model\":\"inner\"}]}", output);
    }

    [Fact]
    public void BodiesWithoutAModelNameAreNotTouched()
    {
        Assert.Null(ResponseModelRewriter.For(MediaTypeHeaderValue.Parse("audio/mpeg"), "auto"));
        Assert.Equal("[1,2]", Run("application/json", "[1,", "2]"));
        Assert.Equal("{\"error\":\"no\"}", Run("application/json", "{\"error\":\"no\"}"));
    }
}
