using System.Collections.Immutable;
using System.Text.Json.Serialization;
using LlamaSwap.Proxy.Activity;
using LlamaSwap.Proxy.Backends;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Listing;
using LlamaSwap.Proxy.Logs;
using LlamaSwap.Proxy.Resolution;
using LlamaSwap.Proxy.Supervision;

namespace LlamaSwap.Proxy.Events;

/// <summary>
/// The <c>/api/events</c> clients and what they are sent. A client connects with <see cref="Connect"/>: it is
/// attached to the log feeds and the in-flight tracker (each hands over its history or snapshot atomically with
/// the attachment, so nothing is missed or repeated) and receives the initial burst — proxy log history,
/// upstream log history, <c>modelStatus</c>, <c>uiConfig</c>, <c>profileChanged</c>, in-flight snapshot —
/// before any live message. <see cref="Broadcast"/> never waits on a client.
/// </summary>
internal sealed class EventHub(
    LogFeeds logs, InFlightTracker inFlight, IProxyConfigProvider config, ISupervisorGateway gateway, ActiveProfile profile,
    EndpointHealthMonitor? endpoints = null)
{
    private readonly Lock _modelStatusGate = new();
    private ImmutableArray<EventStream> _streams = [];
    private string? _lastModelStatus;

    public int ClientCount => _streams.Length;

    /// <summary>Connected clients that fell behind and are being dropped.</summary>
    public int OverflowedClientCount => _streams.Count(s => s.Overflowed);

    public EventSubscription Connect(int capacity = EventStream.DefaultCapacity)
    {
        var stream = new EventStream(capacity);
        var proxySink = stream.LogSink(LogFeeds.ProxySource);
        var upstreamSink = stream.LogSink(LogFeeds.UpstreamSource);
        var proxyHistory = logs.Proxy.Attach(proxySink);
        var upstreamHistory = logs.Upstream.Attach(upstreamSink);
        ImmutableInterlocked.Update(ref _streams, s => s.Add(stream));
        var inFlightSnapshot = inFlight.Attach(stream);

        stream.Open(
        [
            ManagementEvent.LogData(LogFeeds.ProxySource, proxyHistory),
            ManagementEvent.LogData(LogFeeds.UpstreamSource, upstreamHistory),
            ModelStatus(),
            UiConfig(),
            ProfileChanged(),
            inFlightSnapshot,
        ]);

        return new EventSubscription(stream, () =>
        {
            logs.Proxy.Detach(proxySink);
            logs.Upstream.Detach(upstreamSink);
            inFlight.Detach(stream);
            ImmutableInterlocked.Update(ref _streams, s => s.Remove(stream));
            stream.Complete();
        });
    }

    public void Broadcast(ManagementEvent message)
    {
        foreach (var stream in _streams)
            stream.Post(message);
    }

    /// <summary>Sends <c>modelStatus</c> to every client; unless forced, only when it differs from the last one sent.</summary>
    public void BroadcastModelStatus(bool force)
    {
        ManagementEvent message;
        lock (_modelStatusGate)
        {
            message = ModelStatus();
            var data = message.Data();
            if (!force && data == _lastModelStatus)
                return;
            _lastModelStatus = data;
        }

        Broadcast(message);
    }

    public ManagementEvent ModelStatus() =>
        ManagementEvent.Json(EventTypes.ModelStatus, ModelStatusList.Build(config.Current, gateway.Latest, endpoints is null ? null : endpoints.For));

    public ManagementEvent UiConfig() =>
        ManagementEvent.Json(EventTypes.UiConfig, new UiConfigPayload(new UiActivityConfig(config.Current.UiSessionIdHeaders)));

    public ManagementEvent ProfileChanged() =>
        ManagementEvent.Json(EventTypes.ProfileChanged, new ActiveProfileResponse(profile.Name));

    public static ManagementEvent Activity(long id) => ManagementEvent.Json(EventTypes.Activity, new ActivityPayload(id));

    private sealed record UiConfigPayload([property: JsonPropertyName("activity")] UiActivityConfig Activity);

    private sealed record UiActivityConfig([property: JsonPropertyName("session_id")] ImmutableArray<string> SessionId);

    private sealed record ActivityPayload([property: JsonPropertyName("id")] long Id);
}
