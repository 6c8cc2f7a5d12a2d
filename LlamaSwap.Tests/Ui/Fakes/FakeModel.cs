namespace LlamaSwap.Tests.Ui.Fakes;

/// <summary>A model of the fake Proxy: what /v1/models and modelStatus report about it.</summary>
internal sealed class FakeModel(string id)
{
    public string Id { get; } = id;
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string[] Aliases { get; init; } = [];
    public string[] In { get; init; } = ["text"];
    public string[] Out { get; init; } = ["text"];
    public bool Tools { get; init; }
    public int Context { get; init; }
    public int Ttl { get; init; }
    public bool Unlisted { get; init; }
    public Dictionary<string, object> Metadata { get; init; } = [];

    public string State { get; set; } = "stopped";
    public DateTimeOffset? IdleSince { get; set; }

    public Dictionary<string, bool> Capabilities()
    {
        var caps = new Dictionary<string, bool>();
        if (In.Contains("image") && Out.Contains("text")) caps["vision"] = true;
        if (In.Contains("audio") && Out.Contains("text")) caps["audio_transcriptions"] = true;
        if (In.Contains("text") && Out.Contains("audio")) caps["audio_speech"] = true;
        if (In.Contains("text") && Out.Contains("image")) caps["image_generation"] = true;
        if (Tools) caps["function_calling"] = true;
        return caps;
    }

    public double? TtlRemaining(DateTimeOffset now) =>
        Ttl > 0 && State == "ready" && IdleSince is { } idle ? Math.Max(0, Ttl - (now - idle).TotalSeconds) : null;
}
