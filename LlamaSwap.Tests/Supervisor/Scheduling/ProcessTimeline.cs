using System.Collections.Immutable;

namespace LlamaSwap.Tests.Supervisor.Scheduling;

/// <summary>
/// What the fake processes themselves did, in order: which were alive when another one started.
/// Tests judge the scheduler from this, not from the scheduler's own state.
/// </summary>
internal sealed class ProcessTimeline
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, string> _alive = [];
    private readonly List<string> _events = [];
    private readonly List<string> _violations = [];
    private readonly List<string> _history = [];
    private int _maxAlive;

    /// <summary>Given the models alive when <c>starting</c> spawns, returns why that breaks the rules, or null.</summary>
    public Func<IReadOnlyCollection<string>, string, string?>? Rule { get; set; }

    public int MaxAlive
    {
        get
        {
            lock (_gate)
                return _maxAlive;
        }
    }

    public ImmutableArray<string> Violations
    {
        get
        {
            lock (_gate)
                return [.. _violations];
        }
    }

    public ImmutableArray<string> Events
    {
        get
        {
            lock (_gate)
                return [.. _events];
        }
    }

    public ImmutableArray<string> AliveModels
    {
        get
        {
            lock (_gate)
                return [.. _alive.Values.Order(StringComparer.Ordinal)];
        }
    }

    public void Spawned(string model, int pid)
    {
        lock (_gate)
        {
            var others = _alive.Values.ToArray();
            if (others.Contains(model))
                _violations.Add($"{model} (pid {pid}) spawned while another {model} process was alive; history: {string.Join(" ", _history.Where(h => h.Contains(model, StringComparison.Ordinal)))}");
            if (Rule?.Invoke(others, model) is { } broken)
                _violations.Add($"{model} (pid {pid}) spawned beside [{string.Join(",", others)}]: {broken}");
            _alive[pid] = model;
            _maxAlive = Math.Max(_maxAlive, _alive.Count);
            _events.Add($"+{model}");
            _history.Add($"+{model}#{pid}");
        }
    }

    public void Died(string model, int pid)
    {
        lock (_gate)
        {
            if (_alive.Remove(pid))
            {
                _events.Add($"-{model}");
                _history.Add($"-{model}#{pid}");
            }
        }
    }
}
