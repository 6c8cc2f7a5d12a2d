using System.Collections.Immutable;
using LlamaSwap.Supervisor.Planning;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>Compact notation for planner tables: "a,b" lists ids; "a:5" gives a model last used at minute 5, "a*" one in use.</summary>
internal static class PlannerTestData
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<RunningModel> Running(string spec) =>
        [.. Ids(spec).Select(Parse).OrderBy(m => m.Id, StringComparer.Ordinal)];

    public static string Join(ImmutableArray<string> ids) => string.Join(",", ids);

    public static IEnumerable<string> Ids(string spec) =>
        spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static RunningModel Parse(string item)
    {
        var inUse = item.EndsWith('*');
        var text = item.TrimEnd('*');
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var minute = colon < 0 ? 0 : int.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var id = colon < 0 ? text : text[..colon];
        return new RunningModel(id, Epoch.AddMinutes(minute), inUse);
    }
}
