using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlamaSwap.Simulator.Generation;

/// <summary>
/// The words a response is made of. Either the fixed <c>--response</c> text, split so that concatenating the
/// tokens reproduces it exactly, or lorem words starting at an offset derived from the prompt, so different
/// prompts get different but reproducible answers. Tokens are pre-encoded once: streaming a token costs no
/// allocation.
/// </summary>
internal sealed class ResponseText
{
    private static readonly string[] LoremWords =
    [
        "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
        "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim",
        "ad", "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi", "aliquip",
        "ex", "ea", "commodo", "consequat", "duis", "aute", "irure", "in", "reprehenderit", "voluptate",
        "velit", "esse", "cillum", "fugiat", "nulla", "pariatur", "excepteur", "sint", "occaecat", "cupidatat",
        "non", "proident", "sunt", "culpa", "qui", "officia", "deserunt", "mollit", "anim", "id",
        "est", "laborum", "vitae", "nunc",
    ];

    // Lorem: [0] = word as a response's first token, [1] = word with its leading space.
    private readonly JsonEncodedText[][] _lorem;
    private readonly JsonEncodedText[]? _fixed;
    private readonly string[]? _fixedRaw;

    private ResponseText(string? fixedText)
    {
        _lorem = [Encode(LoremWords), Encode(LoremWords.Select(w => " " + w))];
        if (fixedText is not null)
        {
            _fixedRaw = SplitKeepingWhitespace(fixedText);
            _fixed = Encode(_fixedRaw);
        }
    }

    public static ResponseText Create(string? fixedText) => new(fixedText);

    /// <summary>Token count of the fixed text, or null when responses are lorem words.</summary>
    public int? FixedLength => _fixed?.Length;

    public JsonEncodedText Token(int offset, int index) => _fixed is not null
        ? _fixed[index]
        : _lorem[index == 0 ? 0 : 1][(offset + index) % LoremWords.Length];

    public string RawToken(int offset, int index) => _fixedRaw is not null
        ? _fixedRaw[index]
        : (index == 0 ? "" : " ") + LoremWords[(offset + index) % LoremWords.Length];

    public string Text(int offset, int count)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
            builder.Append(RawToken(offset, i));
        return builder.ToString();
    }

    private static JsonEncodedText[] Encode(IEnumerable<string> words) =>
        words.Select(w => JsonEncodedText.Encode(w, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).ToArray();

    /// <summary>Maps a prompt hash to where the lorem words start.</summary>
    public static int OffsetFor(ulong promptHash) => (int)(promptHash % (ulong)LoremWords.Length);

    /// <summary>Each piece is its leading whitespace plus one word; trailing whitespace stays on the last piece.</summary>
    internal static string[] SplitKeepingWhitespace(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
                i++;
            pieces.Add(text[start..i]);
            start = i;
        }

        if (pieces.Count > 1 && string.IsNullOrWhiteSpace(pieces[^1]))
        {
            pieces[^2] += pieces[^1];
            pieces.RemoveAt(pieces.Count - 1);
        }

        return [.. pieces];
    }
}
