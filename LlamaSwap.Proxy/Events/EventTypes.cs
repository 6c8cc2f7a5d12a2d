namespace LlamaSwap.Proxy.Events;

/// <summary>The <c>type</c> values of <c>/api/events</c> messages (llama-swap's names, which the UI switches on).</summary>
internal static class EventTypes
{
    public const string ModelStatus = "modelStatus";
    public const string LogData = "logData";
    public const string Activity = "activity";
    public const string InFlight = "inflight";
    public const string UiConfig = "uiConfig";
    public const string ProfileChanged = "profileChanged";
}
