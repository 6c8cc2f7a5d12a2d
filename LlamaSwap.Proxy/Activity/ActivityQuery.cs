using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace LlamaSwap.Proxy.Activity;

/// <summary>One page of <c>GET /api/metrics/activity</c>: filters, paging and sort, validated.</summary>
internal sealed record ActivityQuery(
    IReadOnlyList<string> Models,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    long? MinId,
    long? MaxId,
    int Limit,
    int Page,
    string Sort,
    bool Descending)
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 999;

    public static readonly IReadOnlyList<string> SortColumns =
    [
        "id", "time", "model", "req_path", "resp_status_code", "resp_content_type", "cached", "prompt",
        "generated", "drafted", "prompt_speed", "gen_speed", "duration",
    ];

    public static ActivityQuery Default { get; } = new([], null, null, null, null, DefaultLimit, 1, "id", true);

    /// <returns>The query, or the message to answer 400 with.</returns>
    public static (ActivityQuery? Query, string? Error) Parse(IQueryCollection query)
    {
        var models = query["model"].Select(m => m?.Trim() ?? "").Where(m => m.Length > 0).ToList();

        var limit = DefaultLimit;
        if (Value(query, "limit") is { } rawLimit)
        {
            if (!int.TryParse(rawLimit, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit))
                return (null, "invalid limit");
            if (limit is < 1 or > MaxLimit)
                return (null, "limit must be between 1 and 999");
        }

        var page = 1;
        if (Value(query, "page") is { } rawPage
            && (!int.TryParse(rawPage, NumberStyles.Integer, CultureInfo.InvariantCulture, out page) || page < 1))
        {
            return (null, "page must be >= 1");
        }

        var sort = "id";
        if (Value(query, "sort") is { } rawSort)
        {
            if (!SortColumns.Contains(rawSort))
                return (null, "invalid sort column");
            sort = rawSort;
        }

        var descending = true;
        if (Value(query, "order") is { } rawOrder)
        {
            switch (rawOrder.ToLowerInvariant())
            {
                case "asc":
                    descending = false;
                    break;
                case "desc":
                    break;
                default:
                    return (null, "order must be asc or desc");
            }
        }

        if (!TryTime(query, "start", out var start, out var error) || !TryTime(query, "end", out var end, out error))
            return (null, error);
        if (start is { } s && end is { } e && s > e)
            return (null, "start must be before end");

        if (!TryId(query, "min_id", out var minId, out error) || !TryId(query, "max_id", out var maxId, out error))
            return (null, error);
        if (minId is { } min && maxId is { } max && min > max)
            return (null, "min_id must be less than or equal to max_id");

        return (new ActivityQuery(models, start, end, minId, maxId, limit, page, sort, descending), null);
    }

    private static string? Value(IQueryCollection query, string name) =>
        query.TryGetValue(name, out StringValues values) && values.ToString().Trim() is { Length: > 0 } value ? value : null;

    private static bool TryTime(IQueryCollection query, string name, out DateTimeOffset? time, out string? error)
    {
        time = null;
        error = null;
        if (Value(query, name) is not { } raw)
            return true;
        if (DateTimeOffset.TryParseExact(raw, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            time = parsed;
            return true;
        }

        error = $"invalid '{name}' timestamp, use RFC3339 format";
        return false;
    }

    private static bool TryId(IQueryCollection query, string name, out long? id, out string? error)
    {
        id = null;
        error = null;
        if (Value(query, name) is not { } raw)
            return true;
        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1)
        {
            id = parsed;
            return true;
        }

        error = $"{name} must be a positive integer";
        return false;
    }
}
