namespace LlamaSwap.Proxy.Activity;

/// <summary>
/// The path an activity row and in-flight entry show: what the upstream is sent, so versionless
/// <c>/v/chat/completions</c> shows as <c>/chat/completions</c> and <c>/audioapi/v1/tasks/run</c> as
/// <c>/v1/tasks/run</c>; <c>/upstream/…</c> paths are kept whole.
/// </summary>
internal static class ActivityPaths
{
    public static string Normalize(PathString path)
    {
        if (path.StartsWithSegments("/v", out var versionless) && versionless.HasValue)
            return versionless.Value!;
        if (path.StartsWithSegments("/audioapi", out var audio) && audio.HasValue)
            return audio.Value!;
        return path.Value ?? "/";
    }

    /// <summary>The client's address: the first <c>X-Forwarded-For</c> entry, else <c>X-Real-IP</c>, else the peer.</summary>
    public static string ClientAddress(HttpContext context)
    {
        var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0)
            return forwarded.Split(',')[0].Trim();
        var realIp = context.Request.Headers["X-Real-IP"].ToString();
        if (realIp.Length > 0)
            return realIp.Trim();
        return context.Connection.RemoteIpAddress?.ToString() ?? "";
    }
}
