using System.Text;

namespace LlamaSwap.Proxy.Requests;

/// <summary>
/// Reads <c>model</c> and <c>stream</c> from an <c>application/x-www-form-urlencoded</c> body (or a query
/// string) and finds the raw byte range of the model's value, so a rewrite replaces only that value.
/// </summary>
internal static class FormModelReader
{
    public readonly record struct Fields(string? Model, ByteRange? ModelValue, bool Stream);

    public static Fields Read(ReadOnlySpan<byte> form)
    {
        string? model = null;
        ByteRange? range = null;
        var stream = false;
        var offset = 0;
        while (offset <= form.Length)
        {
            var pair = form[offset..];
            var end = pair.IndexOf((byte)'&');
            if (end >= 0)
                pair = pair[..end];
            var equals = pair.IndexOf((byte)'=');
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? [] : pair[(equals + 1)..];
            if (key == "model" && model is null)
            {
                model = Decode(value);
                range = new ByteRange(offset + equals + 1, value.Length);
            }
            else if (key == "stream")
            {
                stream = Decode(value) == "true";
            }

            if (end < 0)
                break;
            offset += end + 1;
        }

        return new Fields(string.IsNullOrEmpty(model) ? null : model, range, stream);
    }

    /// <summary>A value as it must appear in a form body.</summary>
    public static byte[] Encode(string value) => Encoding.UTF8.GetBytes(Uri.EscapeDataString(value));

    private static string Decode(ReadOnlySpan<byte> raw) =>
        Uri.UnescapeDataString(Encoding.UTF8.GetString(raw).Replace('+', ' '));
}
