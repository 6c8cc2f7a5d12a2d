using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlamaSwap.Proxy.Supervision;
using LlamaSwap.Rpc.Client;
using LlamaSwap.Rpc.Supervisor.V1;

namespace LlamaSwap.Tests.Proxy.Management;

/// <summary>
/// A gateway to a real gRPC Supervisor: the typed client, and <c>WatchState</c> read in the background to keep
/// <see cref="Latest"/> current and feed <see cref="WatchAsync"/> readers.
/// </summary>
internal sealed class TestSupervisorGateway : ISupervisorGateway, IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Channel<StateSnapshot>> _watchers = [];
    private readonly Task _watch;
    private volatile StateSnapshot? _latest;

    public TestSupervisorGateway(Uri address)
    {
        _channel = GrpcChannel.ForAddress(address);
        Client = new SupervisorClient(_channel);
        _watch = WatchLoopAsync();
    }

    public SupervisorClient Client { get; }

    public StateSnapshot? Latest => _latest;

    public async IAsyncEnumerable<StateSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<StateSnapshot>();
        lock (_gate)
        {
            if (_latest is { } latest)
                channel.Writer.TryWrite(latest);
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
                yield return snapshot;
        }
        finally
        {
            lock (_gate)
                _watchers.Remove(channel);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _watch;
        }
        catch (Exception ex) when (ex is OperationCanceledException or LlamaSwap.Rpc.RpcException)
        {
        }

        _channel.Dispose();
        _stop.Dispose();
    }

    private async Task WatchLoopAsync()
    {
        using var call = Client.WatchState(options: new CallOptions(CancellationToken: _stop.Token));
        await foreach (var snapshot in call.ReadAllAsync(_stop.Token))
        {
            lock (_gate)
            {
                _latest = snapshot;
                foreach (var watcher in _watchers)
                    watcher.Writer.TryWrite(snapshot);
            }
        }
    }
}
