using System.Security.Cryptography;
using LlamaSwap.AppHost.Dashboard.Telemetry;

namespace LlamaSwap.AppHost.Dashboard;

/// <summary>
/// Where the dashboard listens and how it authenticates. The frontend uses a browser token (the printed
/// <c>/login?t=</c> link sets a cookie); OTLP exporters send an API key header. Both are random per run
/// unless fixed or disabled through <see cref="DashboardConfigNames"/>.
/// </summary>
internal sealed record DashboardOptions
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    /// <summary>Null: the frontend needs no login.</summary>
    public string? BrowserToken { get; init; }
    /// <summary>Null: OTLP exports need no API key.</summary>
    public string? OtlpApiKey { get; init; }
    public TelemetryLimits Limits { get; init; } = new();

    /// <summary>Builds the options for <c>--dashboard</c> <paramref name="host"/>:<paramref name="port"/>.</summary>
    /// <exception cref="ArgumentException">An auth mode variable holds an unknown value.</exception>
    public static DashboardOptions Create(string host, int port, Func<string, string?> environment)
    {
        var unsecured = string.Equals(environment(DashboardConfigNames.UnsecuredAllowAnonymous), "true", StringComparison.OrdinalIgnoreCase);
        var frontendMode = environment(DashboardConfigNames.FrontendAuthMode) ?? DashboardConfigNames.BrowserTokenMode;
        var otlpMode = environment(DashboardConfigNames.OtlpAuthMode) ?? DashboardConfigNames.ApiKeyMode;
        var frontendSecured = !unsecured && ParseMode(DashboardConfigNames.FrontendAuthMode, frontendMode, DashboardConfigNames.BrowserTokenMode);
        var otlpSecured = !unsecured && ParseMode(DashboardConfigNames.OtlpAuthMode, otlpMode, DashboardConfigNames.ApiKeyMode);
        return new DashboardOptions
        {
            Host = host,
            Port = port,
            BrowserToken = frontendSecured ? NonEmpty(environment(DashboardConfigNames.FrontendBrowserToken)) ?? NewSecret() : null,
            OtlpApiKey = otlpSecured ? NonEmpty(environment(DashboardConfigNames.OtlpPrimaryApiKey)) ?? NewSecret() : null,
        };
    }

    /// <returns>True for the secured mode, false for Unsecured.</returns>
    private static bool ParseMode(string variable, string value, string securedMode)
    {
        if (value.Equals(securedMode, StringComparison.OrdinalIgnoreCase))
            return true;
        if (value.Equals(DashboardConfigNames.UnsecuredMode, StringComparison.OrdinalIgnoreCase))
            return false;
        throw new ArgumentException($"{variable}='{value}' is not a mode: use {securedMode} or {DashboardConfigNames.UnsecuredMode}");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
