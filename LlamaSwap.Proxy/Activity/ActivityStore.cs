namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// The activity log in memory: rows with increasing ids, pruned to the newest <c>metricsMaxInMemory</c> (or, with a
/// <c>store.path</c> file, the rows that file keeps) after each insert. Queries filter, sort and page a copy. Thread-safe.
/// </summary>
internal sealed class ActivityStore
{
    private readonly Lock _gate = new();
    private readonly List<ActivityRecord> _rows = [];
    private long _lastId;

    public int Count
    {
        get
        {
            lock (_gate)
                return _rows.Count;
        }
    }

    /// <summary>Takes the next row id (for a row stored later with <see cref="Insert"/>).</summary>
    public long NextId()
    {
        lock (_gate)
            return ++_lastId;
    }

    /// <summary>Stores a row under the next id (the record's own id is ignored) and returns it.</summary>
    public ActivityRecord Add(ActivityRecord record, int maxRows) => Insert(record with { Id = NextId() }, maxRows);

    /// <summary>
    /// Stores a row whose id came from <see cref="NextId"/>. Rows are kept in id order: ids are inserted in the
    /// order they were taken (the activity processor is the one writer).
    /// </summary>
    public ActivityRecord Insert(ActivityRecord row, int maxRows)
    {
        lock (_gate)
        {
            _rows.Add(row);
            var excess = _rows.Count - Math.Max(maxRows, 1);
            if (excess > 0)
                _rows.RemoveRange(0, excess);
            return row;
        }
    }

    /// <summary>
    /// Replaces the rows with those of another store (the <c>store.path</c> file, or none). Ids never go back, so
    /// a capture kept under an old id is never shown for a new row.
    /// </summary>
    public void Replace(IReadOnlyList<ActivityRecord> rows)
    {
        lock (_gate)
        {
            _rows.Clear();
            _rows.AddRange(rows);
            if (rows.Count > 0)
                _lastId = Math.Max(_lastId, rows.Max(r => r.Id));
        }
    }

    public ActivityPage Query(ActivityQuery query, Func<long, bool> hasCapture)
    {
        List<ActivityRecord> rows;
        lock (_gate)
            rows = [.. _rows.Where(r => Matches(r, query))];

        IOrderedEnumerable<ActivityRecord> ordered = query.Descending
            ? rows.OrderByDescending(r => SortKey(r, query.Sort), Comparer<IComparable>.Default).ThenByDescending(r => r.Id)
            : rows.OrderBy(r => SortKey(r, query.Sort), Comparer<IComparable>.Default).ThenBy(r => r.Id);
        var page = ordered
            .Skip((int)Math.Min(int.MaxValue, (long)(query.Page - 1) * query.Limit))
            .Take(query.Limit)
            .Select(r => r.ToRow(hasCapture(r.Id)))
            .ToList();
        var totalPages = rows.Count == 0 ? 0 : (rows.Count + query.Limit - 1) / query.Limit;
        return new ActivityPage(page, query.Page, query.Limit, rows.Count, totalPages);
    }

    /// <param name="model">Only this model's rows; null or empty for all.</param>
    public ActivityStats Stats(string? model)
    {
        List<ActivityRecord> rows;
        lock (_gate)
            rows = [.. _rows.Where(r => string.IsNullOrEmpty(model) || r.Model == model)];

        return new ActivityStats(
            rows.Count,
            rows.Sum(r => Math.Max(r.Tokens.InputTokens, 0)),
            rows.Sum(r => Math.Max(r.Tokens.OutputTokens, 0)),
            rows.Sum(r => Math.Max(r.Tokens.CacheTokens, 0)),
            ActivityHistogram.From([.. rows.Select(r => r.Tokens.PromptPerSecond).Where(v => v > 0)]),
            ActivityHistogram.From([.. rows.Select(r => r.Tokens.TokensPerSecond).Where(v => v > 0)]));
    }

    private static bool Matches(ActivityRecord row, ActivityQuery query)
    {
        if (query.Models.Count > 0 && !query.Models.Contains(row.Model))
            return false;
        var seconds = row.Timestamp.ToUnixTimeSeconds();
        if (query.Start is { } start && seconds < start.ToUnixTimeSeconds())
            return false;
        if (query.End is { } end && seconds > end.ToUnixTimeSeconds())
            return false;
        if (query.MinId is { } min && row.Id < min)
            return false;
        return query.MaxId is not { } max || row.Id <= max;
    }

    private static IComparable SortKey(ActivityRecord row, string column) => column switch
    {
        "time" => row.Timestamp.ToUnixTimeSeconds(),
        "model" => row.Model,
        "req_path" => row.Path,
        "resp_status_code" => row.StatusCode,
        "resp_content_type" => row.ContentType,
        "cached" => row.Tokens.CacheTokens,
        "prompt" => row.Tokens.InputTokens,
        "generated" => row.Tokens.OutputTokens,
        "drafted" => row.Tokens.DraftTokens,
        "prompt_speed" => row.Tokens.PromptPerSecond,
        "gen_speed" => row.Tokens.TokensPerSecond,
        "duration" => row.DurationMs,
        _ => row.Id,
    };
}
