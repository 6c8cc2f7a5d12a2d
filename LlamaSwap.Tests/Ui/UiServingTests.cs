using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlamaSwap.Proxy.Ui;

namespace LlamaSwap.Tests.Ui;

public sealed class UiServingTests
{
    private static readonly string LargeScript = "console.log('llamaswap');\n" + string.Concat(Enumerable.Repeat("export const x = 'repeated text compresses well';\n", 200));

    private static UiAssets SyntheticBuild() => new(new Dictionary<string, byte[]>
    {
        ["index.html"] = "<!doctype html><title>LlamaSwap</title>"u8.ToArray(),
        ["assets/index-AbC123.js"] = Encoding.UTF8.GetBytes(LargeScript),
        ["assets/index-AbC123.css"] = "body{margin:0}"u8.ToArray(),
        ["assets/logo-9f8e.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"u8.ToArray(),
        ["robots.txt"] = "User-agent: *\n"u8.ToArray(),
        ["favicon.ico"] = [0, 0, 1, 0],
    });

    private static async Task<(UiTestHost Host, HttpClient Client)> StartAsync(UiAssets? assets = null)
    {
        var host = await UiTestHost.StartAsync(assets ?? SyntheticBuild());
        return (host, host.CreateClient());
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path) =>
        client.GetAsync(path, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RootRedirectsTemporarilyToUi()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var response = await GetAsync(client, "/");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/ui", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/ui", "/ui/")]
    [InlineData("/ui?x=1", "/ui/?x=1")]
    public async Task UiWithoutSlashRedirectsPermanentlyKeepingTheQuery(string path, string location)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var response = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/ui/")]
    [InlineData("/ui/models")]
    [InlineData("/ui/models/author/model-7b")]
    [InlineData("/ui/playground/chat")]
    [InlineData("/ui/assets/not-there")]
    public async Task PathsWithoutAnExtensionFallBackToIndexHtmlUncached(string path)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var response = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("<!doctype html><title>LlamaSwap</title>", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Theory]
    [InlineData("/ui/missing.js")]
    [InlineData("/ui/assets/index-Old999.js")]
    [InlineData("/ui/models/v1.2")]
    [InlineData("/ui/sw.js")]
    public async Task UnknownFilesWithAnExtensionAre404(string path)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var response = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/ui/assets/index-AbC123.js", "text/javascript; charset=utf-8")]
    [InlineData("/ui/assets/index-AbC123.css", "text/css; charset=utf-8")]
    [InlineData("/ui/assets/logo-9f8e.svg", "image/svg+xml")]
    [InlineData("/ui/robots.txt", "text/plain; charset=utf-8")]
    [InlineData("/favicon.ico", "image/x-icon")]
    public async Task FilesAreServedWithTheirContentType(string path, string contentType)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var response = await GetAsync(client, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task HashedAssetsAreCachedForAYearOtherFilesRevalidate()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var hashed = await GetAsync(client, "/ui/assets/index-AbC123.css");
        using var plain = await GetAsync(client, "/ui/robots.txt");

        Assert.Equal(TimeSpan.FromDays(365), hashed.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", hashed.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.True(plain.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task AMatchingETagAnswers304WithoutABody()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;
        using var first = await GetAsync(client, "/ui/");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/models");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("br", true)]
    [InlineData("gzip, deflate, br, zstd", true)]
    [InlineData("br;q=1.0", true)]
    [InlineData("brotli", false)]
    [InlineData("br;q=0", false)]
    [InlineData("gzip", false)]
    [InlineData("", false)]
    public async Task BrotliIsSentOnlyToClientsThatAcceptTheBrToken(string acceptEncoding, bool compressed)
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/assets/index-AbC123.js");
        if (acceptEncoding.Length > 0)
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        Assert.Equal("Accept-Encoding", response.Headers.Vary.Single());
        if (compressed)
        {
            Assert.Equal("br", response.Content.Headers.ContentEncoding.Single());
            Assert.True(body.Length < LargeScript.Length / 4);
            using var brotli = new BrotliStream(new MemoryStream(body), CompressionMode.Decompress);
            using var reader = new StreamReader(brotli);
            Assert.Equal(LargeScript, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
        }
        else
        {
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(LargeScript, Encoding.UTF8.GetString(body));
        }
    }

    [Fact]
    public async Task SmallFilesAreSentWholeAndUncompressedToBrotliClients()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br, zstd");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Empty(response.Headers.Vary);
        Assert.Equal("<!doctype html><title>LlamaSwap</title>", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task HeadAnswersHeadersWithoutABody()
    {
        var (host, client) = await StartAsync();
        await using var _ = host;

        using var request = new HttpRequestMessage(HttpMethod.Head, "/ui/assets/index-AbC123.css");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body{margin:0}".Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AProxyBuiltWithoutItsFrontEndSaysSoInsteadOfServingNothing()
    {
        var (host, client) = await StartAsync(new UiAssets([]));
        await using var _ = host;

        using var response = await GetAsync(client, "/ui/");
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("web UI was not built", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProxyAssemblyEmbedsTheViteBuild()
    {
        var assets = UiAssets.FromAssembly(typeof(UiAssets).Assembly);
        var (host, client) = await StartAsync(assets);
        await using var _ = host;

        using var index = await GetAsync(client, "/ui/");
        var html = await index.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/ui/assets/[^\"]+\\.js)\"").Groups[1].Value;
        using var module = await GetAsync(client, script);

        Assert.True(assets.IsAvailable, "index.html is not among the Proxy's embedded resources");
        Assert.Contains("<div id=\"app\"></div>", html, StringComparison.Ordinal);
        Assert.NotEqual("", script);
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.Equal(MediaTypeHeaderValue.Parse("text/javascript; charset=utf-8"), module.Content.Headers.ContentType);
        Assert.Equal(TimeSpan.FromDays(365), module.Headers.CacheControl?.MaxAge);
    }
}
