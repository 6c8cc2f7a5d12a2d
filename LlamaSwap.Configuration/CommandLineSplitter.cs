using System.Collections.Immutable;

namespace LlamaSwap.Configuration;

/// <summary>Splits a <c>cmd</c> string into argv: POSIX shell word rules, no shell involved.</summary>
public static class CommandLineSplitter
{
    public static ImmutableArray<string> Split(string command) => throw new NotImplementedException();
}
