using System.Collections.Immutable;
using System.Threading.Channels;
using LlamaSwap.AppHost.Hosting.ApplicationModel;

namespace LlamaSwap.AppHost.Hosting.Orchestration;

/// <summary>
/// The latest snapshot of every resource, and a way to wait for or watch changes. Publishers replace
/// a snapshot whole; readers never see a half-updated one.
/// </summary>
public sealed class ResourceNotificationService
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, ResourceSnapshot> _snapshots = ImmutableDictionary<string, ResourceSnapshot>.Empty;
    private ImmutableList<Channel<ResourceSnapshot>> _watchers = [];
    private long _version;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Grows with every published or removed snapshot.</summary>
    public long Version
    {
        get
        {
            lock (_gate)
                return _version;
        }
    }

    /// <summary>Completes with the new version once it differs from <paramref name="seen"/>.</summary>
    public async Task<long> WaitForChangeAsync(long seen, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_version != seen)
                    return _version;
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken);
        }
    }

    private void SignalChange()
    {
        _version++;
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    public IReadOnlyCollection<ResourceSnapshot> Current => _snapshots.Values.OrderBy(s => s.Parent ?? s.Name).ThenBy(s => s.Parent is null ? 0 : 1).ThenBy(s => s.Name).ToList();

    public ResourceSnapshot? TryGet(string name) => _snapshots.GetValueOrDefault(name);

    public void Publish(ResourceSnapshot snapshot)
    {
        ImmutableList<Channel<ResourceSnapshot>> watchers;
        lock (_gate)
        {
            _snapshots = _snapshots.SetItem(snapshot.Name, snapshot);
            watchers = _watchers;
            SignalChange();
        }
        foreach (var watcher in watchers)
            watcher.Writer.TryWrite(snapshot);
    }

    public void Remove(string name)
    {
        lock (_gate)
        {
            _snapshots = _snapshots.Remove(name);
            SignalChange();
        }
    }

    public ResourceSnapshot Update(string name, Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        ResourceSnapshot updated;
        lock (_gate)
            updated = change(_snapshots[name]);
        Publish(updated);
        return updated;
    }

    /// <summary>Every snapshot published from now on (after the current ones), until cancelled.</summary>
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded so a watcher that stops reading cannot grow memory; it then misses intermediate states only.
        var channel = Channel.CreateBounded<ResourceSnapshot>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        IEnumerable<ResourceSnapshot> initial;
        lock (_gate)
        {
            _watchers = _watchers.Add(channel);
            initial = _snapshots.Values.ToList();
        }
        try
        {
            foreach (var snapshot in initial)
                yield return snapshot;
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
                yield return snapshot;
        }
        finally
        {
            lock (_gate)
                _watchers = _watchers.Remove(channel);
        }
    }

    public async Task<ResourceSnapshot> WaitForResourceAsync(string name, Func<ResourceSnapshot, bool> predicate, CancellationToken cancellationToken)
    {
        await foreach (var snapshot in WatchAsync(cancellationToken))
        {
            if (snapshot.Name == name && predicate(snapshot))
                return snapshot;
        }
        throw new OperationCanceledException(cancellationToken);
    }
}
