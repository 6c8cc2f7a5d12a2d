namespace LlamaSwap.ServiceDefaults;

/// <summary>Non-telemetry variables of Aspire's conventions that the services read.</summary>
public static class KnownConfigNames
{
    public const string AspNetCoreUrls = "ASPNETCORE_URLS";

    /// <summary>Config section of service discovery: <c>services__{name}__{endpoint}__{index}</c> in the environment.</summary>
    public const string ServicesSection = "services";

    /// <summary>Set by the AppHost: the service stops when its parent is no longer this process.</summary>
    public const string AppHostPid = "LLAMASWAP_APPHOST_PID";
}
