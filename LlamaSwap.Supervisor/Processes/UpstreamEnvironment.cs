namespace LlamaSwap.Supervisor.Processes;

/// <summary>
/// What an upstream inherits from the Supervisor's environment: everything except the Supervisor's own service
/// settings, which the AppHost (or whoever runs the Supervisor as a service) puts there for the Supervisor alone.
/// An ASP.NET Core upstream would otherwise read the Supervisor's <c>Kestrel__Endpoints__*</c> or
/// <c>ASPNETCORE_URLS</c> and try to bind its ports, export its telemetry as the Supervisor (<c>OTEL_*</c>), or stop
/// when the AppHost's pid changes (<c>LLAMASWAP_APPHOST_PID</c>). A model's own <c>env</c> entries are applied after
/// this, so a model that sets one of these variables gets it.
/// </summary>
internal static class UpstreamEnvironment
{
    /// <summary>Prefixes of the service settings (compared ignoring case, as .NET configuration reads them).</summary>
    private static readonly string[] ServicePrefixes =
    [
        "Kestrel__",
        "ASPNETCORE_",
        "OTEL_",
        "services__",
        "LlamaSwap__",
    ];

    /// <summary>Single service settings the AppHost sets for each service it starts.</summary>
    private static readonly string[] ServiceVariables =
    [
        "LLAMASWAP_APPHOST_PID",
        "LOGGING__CONSOLE__FORMATTERNAME",
        "DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION",
    ];

    public static bool IsServiceSetting(string name)
    {
        foreach (var prefix in ServicePrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                return true;
        }

        foreach (var variable in ServiceVariables)
        {
            if (name.Equals(variable, StringComparison.OrdinalIgnoreCase))
                return true;
        }

        return false;
    }

    /// <summary>Removes the service settings from <paramref name="environment"/> (a process's start environment).</summary>
    public static void RemoveServiceSettings(IDictionary<string, string?> environment)
    {
        var names = new List<string>();
        foreach (var name in environment.Keys)
        {
            if (IsServiceSetting(name))
                names.Add(name);
        }

        foreach (var name in names)
            environment.Remove(name);
    }
}
