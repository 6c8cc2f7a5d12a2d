namespace LlamaSwap.AppHost.Dashboard;

/// <summary>
/// Environment variables the dashboard reads, named as the Aspire dashboard names them
/// (<c>Dashboard:Frontend:AuthMode</c> and friends, in their environment-variable form).
/// </summary>
internal static class DashboardConfigNames
{
    /// <summary><c>BrowserToken</c> (default) or <c>Unsecured</c>.</summary>
    public const string FrontendAuthMode = "DASHBOARD__FRONTEND__AUTHMODE";
    /// <summary>A fixed browser token instead of a random one per run.</summary>
    public const string FrontendBrowserToken = "DASHBOARD__FRONTEND__BROWSERTOKEN";
    /// <summary><c>ApiKey</c> (default) or <c>Unsecured</c>.</summary>
    public const string OtlpAuthMode = "DASHBOARD__OTLP__AUTHMODE";
    /// <summary>A fixed OTLP API key instead of a random one per run.</summary>
    public const string OtlpPrimaryApiKey = "DASHBOARD__OTLP__PRIMARYAPIKEY";
    /// <summary><c>true</c>: no browser token and no OTLP API key (both modes Unsecured).</summary>
    public const string UnsecuredAllowAnonymous = "ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS";

    public const string BrowserTokenMode = "BrowserToken";
    public const string ApiKeyMode = "ApiKey";
    public const string UnsecuredMode = "Unsecured";
}
