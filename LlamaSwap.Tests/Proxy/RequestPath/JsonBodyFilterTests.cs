using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using LlamaSwap.Proxy.Filters;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class JsonBodyFilterTests
{
    private static ImmutableSortedDictionary<string, JsonElement> Params(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject()
            .ToImmutableSortedDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    private static string Apply(string body, string? model, ParamFilters filters) =>
        Encoding.UTF8.GetString(JsonBodyFilter.Apply(Encoding.UTF8.GetBytes(body), model, filters));

    [Fact]
    public void ReplacesTheModelAndKeepsEverythingElseAsWritten()
    {
        var result = Apply("""{"model":"alias","temperature":0.70,"big":12345678901234567890,"text":"é"}""", "real", ParamFilters.None);

        Assert.Equal("""{"model":"real","temperature":0.70,"big":12345678901234567890,"text":"é"}""", result);
    }

    [Fact]
    public void StripsTopLevelAndNestedParams()
    {
        var filters = new ParamFilters(["temperature", "options.seed"], Params("{}"), null);

        var result = Apply("""{"model":"m","temperature":1,"top_p":0.9,"options":{"seed":4,"keep":true}}""", null, filters);

        Assert.Equal("""{"model":"m","top_p":0.9,"options":{"keep":true}}""", result);
    }

    [Fact]
    public void SetsParamsThenParamsById()
    {
        var filters = new ParamFilters([], Params("""{"temperature":0.5,"chat_template_kwargs.enable_thinking":false}"""),
            Params("""{"temperature":0.1,"reasoning_effort":"high"}"""));

        var result = Apply("""{"model":"m","temperature":2,"chat_template_kwargs":{"other":1}}""", null, filters);

        Assert.Equal("""{"model":"m","temperature":0.1,"chat_template_kwargs":{"other":1,"enable_thinking":false},"reasoning_effort":"high"}""", result);
    }

    [Fact]
    public void StripRunsBeforeSet()
    {
        var filters = new ParamFilters(["temperature"], Params("""{"temperature":0.3}"""), null);

        Assert.Equal("""{"model":"m","temperature":0.3}""", Apply("""{"model":"m","temperature":9}""", null, filters));
    }

    [Fact]
    public void ABodyThatIsNotAnObjectIsRejected() =>
        Assert.ThrowsAny<JsonException>(() => Apply("[1,2]", "m", ParamFilters.None));
}
