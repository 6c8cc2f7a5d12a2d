namespace LlamaSwap.Tests.Infrastructure;

/// <summary>
/// Lines a child process wrote to one of its streams, collected as they arrive, with a way to wait for a
/// line matching a predicate. A wait fails early, listing every line seen, when the stream ends without a
/// match.
/// </summary>
public sealed class ProcessOutput
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Predicate, int FromLine, TaskCompletionSource<string> Result)> _waiters = [];
    private bool _completed;

    /// <summary>A snapshot of the lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
                return [.. _lines];
        }
    }

    public override string ToString()
    {
        lock (_lock)
            return string.Join('\n', _lines);
    }

    /// <summary>
    /// The first line (at index <paramref name="fromLine"/> or later) that matches; waits up to
    /// <paramref name="timeout"/> (default <see cref="TaskTimeoutExtensions.DefaultTimeoutSpan"/>) for it.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan? timeout = null, int fromLine = 0,
        CancellationToken cancellationToken = default)
    {
        var effectiveTimeout = timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan;
        TaskCompletionSource<string> result;
        lock (_lock)
        {
            for (var i = fromLine; i < _lines.Count; i++)
            {
                if (predicate(_lines[i]))
                    return _lines[i];
            }

            if (_completed)
                throw new InvalidOperationException($"the stream ended without a matching line; output:\n{string.Join('\n', _lines)}");
            result = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, fromLine, result));
        }

        try
        {
            return await result.Task.WaitAsync(effectiveTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching line within {effectiveTimeout}; output so far:\n{this}");
        }
        finally
        {
            lock (_lock)
                _waiters.RemoveAll(w => w.Result == result);
        }
    }

    /// <summary>Waits for a line containing <paramref name="text"/> (ordinal comparison).</summary>
    public Task<string> WaitForLineContainingAsync(string text, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), timeout, cancellationToken: cancellationToken);

    internal void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters)
            {
                if (_lines.Count - 1 >= waiter.FromLine && waiter.Predicate(line))
                    waiter.Result.TrySetResult(line);
            }
        }
    }

    internal void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            foreach (var waiter in _waiters)
                waiter.Result.TrySetException(new InvalidOperationException($"the stream ended without a matching line; output:\n{string.Join('\n', _lines)}"));
        }
    }
}
