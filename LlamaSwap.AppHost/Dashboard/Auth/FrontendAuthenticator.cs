using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace LlamaSwap.AppHost.Dashboard.Auth;

/// <summary>
/// Aspire's BrowserToken mode: <c>GET /login?t=&lt;token&gt;</c> with the token the AppHost printed sets
/// a session cookie and redirects to the dashboard. API calls need the cookie, or the token as
/// <c>Authorization: Bearer</c> (for scripts). The cookie holds a random per-run session value, not the
/// token; restarting the AppHost logs every browser out.
/// </summary>
internal sealed class FrontendAuthenticator(string? browserToken)
{
    public const string LoginPath = "/login";
    public const string TokenQueryParameter = "t";
    public const string CookieName = "llamaswap_dashboard";

    private readonly string _session = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public bool Enabled => browserToken is not null;

    public bool IsAuthorized(HttpRequest request)
    {
        if (browserToken is null)
            return true;
        if (request.Cookies.TryGetValue(CookieName, out var cookie) && OtlpAuthenticator.FixedTimeEquals(cookie, _session))
            return true;
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && OtlpAuthenticator.FixedTimeEquals(authorization["Bearer ".Length..].Trim(), browserToken);
    }

    /// <summary>Handles <c>/login?t=</c>: a right token gets the cookie and goes to the dashboard.</summary>
    public IResult Login(HttpContext context)
    {
        var token = context.Request.Query[TokenQueryParameter].ToString();
        if (browserToken is not null && !OtlpAuthenticator.FixedTimeEquals(token, browserToken))
            return Results.Redirect("/#/login?failed=1");
        if (browserToken is not null)
        {
            context.Response.Cookies.Append(CookieName, _session, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                Secure = context.Request.IsHttps,
            });
        }
        return Results.Redirect("/");
    }
}
