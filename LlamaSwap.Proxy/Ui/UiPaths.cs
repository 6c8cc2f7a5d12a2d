namespace LlamaSwap.Proxy.Ui;

/// <summary>Where the web UI lives on the Proxy and how its files are named.</summary>
internal static class UiPaths
{
    /// <summary>The UI's base path; the Vite build uses the same base (<c>web/vite.config.ts</c>).</summary>
    public const string Base = "/ui";

    public const string Root = "/";

    public const string Favicon = "/favicon.ico";

    public const string IndexFile = "index.html";

    /// <summary>Logical-name prefix of the embedded build output (FrontEndResourcePrefix in the csproj).</summary>
    public const string ResourcePrefix = "ui/";

    /// <summary>Vite puts content-hashed files here; their names change whenever their bytes do.</summary>
    public const string HashedFolder = "assets/";
}
