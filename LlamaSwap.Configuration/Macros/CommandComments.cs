namespace LlamaSwap.Configuration.Macros;

/// <summary>Removes full-line <c>#</c> comments from <c>cmd</c>/<c>cmdStop</c> before expansion, so macros in comments are never expanded or validated.</summary>
internal static class CommandComments
{
    public static string Strip(string command) =>
        string.Join('\n', command.Split('\n').Where(line => !line.TrimStart().StartsWith('#')));
}
