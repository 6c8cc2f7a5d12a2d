using System.Net;
using System.Text.Json;
using LlamaSwap.AppHost.Hosting.ApplicationModel;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.AppHost;

/// <summary>The dashboard's HTTP surface in the test process: browser-token login, the JSON API, live streams, the web UI.</summary>
public sealed class DashboardApiTests
{
    [Fact]
    public async Task TheLoginLinkSetsACookieThatOpensTheApi()
    {
        await using var dashboard = await InProcessDashboard.StartAsync();
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = dashboard.Url };

        using (var before = await browser.GetAsync("/api/resources", TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        using (var wrong = await browser.GetAsync("/login?t=guess", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
            Assert.Contains("failed", wrong.Headers.Location!.ToString());
        }
        Assert.Empty(cookies.GetCookies(dashboard.Url));

        using (var login = await browser.GetAsync($"/login?t={InProcessDashboard.Token}", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal("/", login.Headers.Location!.ToString());
        }
        var cookie = Assert.Single(cookies.GetCookies(dashboard.Url));
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain(InProcessDashboard.Token, cookie.Value);
        using var after = await browser.GetAsync("/api/resources", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task TheTokenAlsoWorksAsABearerTokenAndUnsecuredModeNeedsNone()
    {
        await using var secured = await InProcessDashboard.StartAsync();
        using var client = secured.CreateApiClient();
        Assert.Equal(JsonValueKind.Array, (await client.GetJsonAsync("/api/resources")).ValueKind);

        await using var unsecured = await InProcessDashboard.StartAsync(secured: false);
        using var anonymous = new HttpClient { BaseAddress = unsecured.Url };
        using var response = await anonymous.GetAsync("/api/info", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.False(info.GetProperty("frontendAuth").GetBoolean());
        Assert.False(info.GetProperty("otlpAuth").GetBoolean());
    }

    [Fact]
    public async Task ResourcesListChildrenUnderTheirParentAndStreamChanges()
    {
        await using var dashboard = await InProcessDashboard.StartAsync();
        dashboard.Notifications.Publish(new ResourceSnapshot { Name = "supervisor", ResourceType = KnownResourceTypes.Project, State = KnownResourceStates.Running, Healthy = true, Pid = 42 });
        dashboard.Notifications.Publish(new ResourceSnapshot { Name = "qwen", ResourceType = KnownResourceTypes.Upstream, Parent = "supervisor", Command = "llama-server --port 5800" });
        dashboard.Notifications.Publish(new ResourceSnapshot { Name = "proxy", ResourceType = KnownResourceTypes.Project, State = KnownResourceStates.Exited, ExitCode = 137 });
        using var client = dashboard.CreateApiClient();

        var resources = await client.GetJsonAsync("/api/resources");
        Assert.Equal(["proxy", "supervisor", "qwen"], resources.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var qwen = resources[2];
        Assert.Equal(("supervisor", "Upstream", "llama-server --port 5800"), (qwen.GetProperty("parent").GetString(), qwen.GetProperty("type").GetString(), qwen.GetProperty("command").GetString()));
        Assert.Equal("error", resources[0].GetProperty("stateStyle").GetString());
        Assert.Equal("success", resources[1].GetProperty("stateStyle").GetString());

        using var stream = await client.GetAsync("/api/resources/watch", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        await using var body = await stream.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await using var events = ServerSentEvents.ReadAsync(body, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var first = await events.NextAsync();
        Assert.Equal("resources", first.Event);

        dashboard.Notifications.Update("qwen", s => s with { State = KnownResourceStates.Running, Pid = 4242 });

        var update = await events.NextAsync();
        var updated = JsonDocument.Parse(update.Data).RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "qwen");
        Assert.Equal(("Running", 4242), (updated.GetProperty("state").GetString(), updated.GetProperty("pid").GetInt32()));
    }

    [Fact]
    public async Task CommandsReachTheOrchestratorAndUnknownResourcesAre404()
    {
        var executed = new List<string>();
        await using var dashboard = await InProcessDashboard.StartAsync(executeCommand: (name, command, _) =>
        {
            executed.Add($"{command} {name}");
            return Task.FromResult(command == KnownResourceCommands.Start
                ? ResourceCommandResult.Failure($"'{name}' is already running")
                : ResourceCommandResult.Success($"{command} done"));
        });
        dashboard.Notifications.Publish(new ResourceSnapshot { Name = "proxy", ResourceType = KnownResourceTypes.Project });
        using var client = dashboard.CreateApiClient();

        using var restart = await client.PostAsync("/api/resources/proxy/commands/restart", null, TestContext.Current.CancellationToken);
        using var start = await client.PostAsync("/api/resources/proxy/commands/start", null, TestContext.Current.CancellationToken);
        using var unknown = await client.PostAsync("/api/resources/nope/commands/stop", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, restart.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("already running", await start.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(["restart proxy", "start proxy"], executed);
    }

    [Fact]
    public async Task ConsoleLogsAreServedWithHistoryAndFollowedLive()
    {
        await using var dashboard = await InProcessDashboard.StartAsync();
        dashboard.Notifications.Publish(new ResourceSnapshot { Name = "qwen", ResourceType = KnownResourceTypes.Upstream });
        dashboard.Logs.Append("qwen", "loading model", isStdErr: false);
        dashboard.Logs.Append("qwen", "warning: slow disk", isStdErr: true);
        using var client = dashboard.CreateApiClient();

        var history = await client.GetJsonAsync("/api/console/qwen");
        Assert.Equal(["loading model", "warning: slow disk"], history.EnumerateArray().Select(l => l.GetProperty("text").GetString()));
        Assert.True(history[1].GetProperty("isStdErr").GetBoolean());
        Assert.Equal(2, history[1].GetProperty("lineNumber").GetInt32());

        using var stream = await client.GetAsync("/api/console/qwen/watch", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var body = await stream.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        await using var events = ServerSentEvents.ReadAsync(body, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.Equal("loading model", Text(await events.NextAsync()));
        Assert.Equal("warning: slow disk", Text(await events.NextAsync()));

        dashboard.Logs.Append("qwen", "ready on port 5800", isStdErr: false);

        Assert.Equal("ready on port 5800", Text(await events.NextAsync()));
        using var missing = await client.GetAsync("/api/console/nope", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        static string? Text(ServerSentEvent e) => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString();
    }

    [Fact]
    public async Task TheWebUiIsServedAtTheRootAndForUnknownPaths()
    {
        await using var dashboard = await InProcessDashboard.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = dashboard.Url };

        var index = await anonymous.GetStringAsync("/", TestContext.Current.CancellationToken);
        var deepLink = await anonymous.GetStringAsync("/traces/abc", TestContext.Current.CancellationToken);

        Assert.Contains("<div id=\"app\">", index);
        Assert.Equal(index, deepLink);
        var script = System.Text.RegularExpressions.Regex.Match(index, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        using var asset = await anonymous.GetAsync(script, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.True(asset.Headers.CacheControl?.MaxAge > TimeSpan.FromDays(1), "hashed assets are cached");
    }
}
