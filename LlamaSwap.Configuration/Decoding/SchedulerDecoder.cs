using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>routing.scheduler</c>: fifo only, with priorities by model id and the starvation bound.</summary>
internal static class SchedulerDecoder
{
    private const string Fifo = "fifo";
    private const int DefaultStarvationBoundSeconds = 30;

    public static RoutingConfig Decode(Section? routing, LlamaSwapConfig config, RoutingConfig result)
    {
        if (routing?.Child(Keys.Scheduler, Keys.SchedulerKeys) is not { } scheduler)
        {
            return result;
        }

        if (scheduler.String(Keys.Use) is { } use && use.Trim() != Fifo)
        {
            scheduler.Error(Keys.Use, $"unknown scheduler \"{use}\" (valid: fifo)");
        }

        if (scheduler.Child(Keys.Settings, Keys.SchedulerSettingsKeys)?.Child(Keys.Fifo, Keys.FifoKeys) is not { } fifo)
        {
            return result;
        }

        var starvation = fifo.Int(Keys.StarvationBound) ?? DefaultStarvationBoundSeconds;
        if (starvation < 0)
        {
            fifo.Error(Keys.StarvationBound, $"must be >= 0 seconds (got {starvation}; 0 disables the bound)");
            starvation = DefaultStarvationBoundSeconds;
        }

        return result with { Priorities = Priorities(fifo, config), StarvationBound = TimeSpan.FromSeconds(starvation) };
    }

    /// <summary>
    /// Keys may be model ids or aliases and are stored by model id, so a priority given through an alias applies
    /// (llama-swap accepts the alias but then never finds it).
    /// </summary>
    private static ImmutableDictionary<string, int> Priorities(Section fifo, LlamaSwapConfig config)
    {
        var priorities = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        var givenAs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (fifo.Child(Keys.Priority, knownKeys: null) is not { } section)
        {
            return priorities.ToImmutable();
        }

        foreach (var entry in section.Entries)
        {
            var path = section.PathOf(entry.Name);
            var value = Values.Int(entry.Value, path, section.Diagnostics);
            if (config.ResolveModelId(entry.Name) is not { } id)
            {
                section.Diagnostics.Error(entry.Key, path, $"routing.scheduler.settings.fifo.priority references unknown model \"{entry.Name}\"");
            }
            else if (givenAs.TryGetValue(id, out var first))
            {
                section.Diagnostics.Error(entry.Key, path, $"priority for model {id} is already set through \"{first}\"");
            }
            else if (value is not null)
            {
                givenAs[id] = entry.Name;
                priorities[id] = value.Value;
            }
        }

        return priorities.ToImmutable();
    }
}
