using System.Text.Json;

namespace LlamaSwap.Simulator.Generation;

/// <summary>
/// What the simulator takes from a prompt: a word count (reported as prompt/input tokens) and a stable hash
/// (which picks the response words). Only the fields that carry text in the OpenAI, Anthropic and
/// llama-server request shapes are read, so roles, ids and settings do not count as prompt.
/// </summary>
internal readonly record struct PromptDigest(int Words, ulong Hash)
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static PromptDigest Empty => new(0, FnvOffset);

    public static PromptDigest Of(JsonElement root)
    {
        var words = 0;
        var hash = FnvOffset;
        Walk(root, ref words, ref hash, isPrompt: false);
        return new PromptDigest(words, hash);
    }

    public static PromptDigest OfText(string text)
    {
        var words = 0;
        var hash = FnvOffset;
        Add(text, ref words, ref hash);
        return new PromptDigest(words, hash);
    }

    private static void Walk(JsonElement element, ref int words, ref ulong hash, bool isPrompt)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (IsPromptField(property))
                        Walk(property.Value, ref words, ref hash, isPrompt: true);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    Walk(item, ref words, ref hash, isPrompt);
                break;
            case JsonValueKind.String when isPrompt:
                Add(element.GetString()!, ref words, ref hash);
                break;
            case JsonValueKind.Number when isPrompt:
                // Pre-tokenised prompts (arrays of token ids) count one token per number.
                Add(element.GetRawText(), ref words, ref hash);
                break;
        }
    }

    private static bool IsPromptField(JsonProperty property) =>
        property.NameEquals("messages"u8) || property.NameEquals("content"u8) || property.NameEquals("text"u8)
        || property.NameEquals("input"u8) || property.NameEquals("prompt"u8) || property.NameEquals("system"u8)
        || property.NameEquals("instructions"u8) || property.NameEquals("query"u8) || property.NameEquals("documents"u8)
        || property.NameEquals("input_prefix"u8) || property.NameEquals("input_suffix"u8);

    private static void Add(string text, ref int words, ref ulong hash)
    {
        var inWord = false;
        foreach (var c in text)
        {
            hash = (hash ^ c) * FnvPrime;
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace && !inWord)
                words++;
            inWord = !isSpace;
        }

        hash = (hash ^ '\n') * FnvPrime;
    }
}
