using LlamaSwap.Proxy.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaSwap.Tests.Ui;

/// <summary>A Kestrel host on a loopback port serving only the UI routes, with the given files.</summary>
internal sealed class UiTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UiTestHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<UiTestHost> StartAsync(UiAssets assets)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(assets);
        builder.AddProxyUi();
        var app = builder.Build();
        app.MapProxyUi();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new UiTestHost(app, new Uri(app.Urls.First()));
    }

    /// <summary>A client that shows redirects and encodings as the server sent them.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
