using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LlamaSwap.Tests.Infrastructure;

namespace LlamaSwap.Tests.Simulator;

/// <summary>Loading, failure modes and argument errors, each against its own simulator process.</summary>
public sealed class SimulatorLifecycleTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthAnswers503WhileLoadingThen200()
    {
        await using var simulator = SimulatorProcess.Launch(["--load-time", "1500ms"]);
        await simulator.WaitUntilListeningAsync(cancellationToken: Cancellation);
        var sinceListening = Stopwatch.StartNew();
        using var client = simulator.CreateClient();

        using var loading = await client.GetAsync("/health", Cancellation).DefaultTimeout();
        using var refused = await client.PostAsync("/v1/chat/completions", Json("""{"model":"m","messages":[]}"""), Cancellation).DefaultTimeout();
        await simulator.Output.WaitForLineContainingAsync("model loaded", cancellationToken: Cancellation);
        using var loaded = await client.GetAsync("/health", Cancellation).DefaultTimeout();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, loading.StatusCode);
        Assert.Equal("""{"status":"loading"}""", await loading.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("Loading model", await refused.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await loaded.Content.ReadAsStringAsync(Cancellation));
        Assert.True(sinceListening.Elapsed >= TimeSpan.FromMilliseconds(1000), $"loaded after only {sinceListening.Elapsed}");
        Assert.Contains("loading... 2s remaining", simulator.Output.Lines);
        Assert.Contains("loading... 1s remaining", simulator.Output.Lines);
    }

    [Fact]
    public async Task ExitFailureExitsWithTheCodeBeforeListening()
    {
        await using var simulator = SimulatorProcess.Launch(["--fail", "exit:3"]);

        var exitCode = await simulator.WaitForExitAsync(cancellationToken: Cancellation);

        Assert.Equal(3, exitCode);
        Assert.DoesNotContain(simulator.Output.Lines, line => line.Contains("listening", StringComparison.Ordinal));
        Assert.Contains(simulator.Output.Lines, line => line.Contains("simulated startup failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnhealthyFailureListensButNeverReportsHealthy()
    {
        await using var simulator = SimulatorProcess.Launch(["--fail", "unhealthy"]);
        await simulator.WaitUntilListeningAsync(cancellationToken: Cancellation);
        await simulator.Output.WaitForLineContainingAsync("unhealthy", cancellationToken: Cancellation);
        using var client = simulator.CreateClient();

        using var health = await client.GetAsync("/health", Cancellation).DefaultTimeout();
        using var models = await client.GetAsync("/v1/models", Cancellation).DefaultTimeout();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("""{"status":"unhealthy"}""", await health.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task HangFailureAcceptsConnectionsButNeverAnswers()
    {
        await using var simulator = SimulatorProcess.Launch(["--fail", "hang"]);
        await simulator.WaitUntilListeningAsync(cancellationToken: Cancellation);
        using var client = simulator.CreateClient(TimeSpan.FromMilliseconds(500));

        var health = client.GetAsync("/health", Cancellation);

        await Assert.ThrowsAsync<TaskCanceledException>(() => health.DefaultTimeout());
        Assert.False(simulator.HasExited);
    }

    [Fact]
    public async Task CrashFailureKillsTheProcessMidStream()
    {
        await using var simulator = await SimulatorProcess.StartAsync(["--fail", "crash-after:3", "--tokens-per-second", "0"], cancellationToken: Cancellation);
        using var client = simulator.CreateClient();
        var tokens = new List<string>();

        using var response = await client.PostJsonForStreamAsync("/v1/chat/completions",
            """{"model":"m","stream":true,"max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Cancellation).DefaultTimeout();
        var reading = Record.ExceptionAsync(async () =>
        {
            await foreach (var e in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync(Cancellation), Cancellation))
            {
                if (e.Data.Contains("\"content\":\"", StringComparison.Ordinal) && !e.Data.Contains("\"content\":\"\"", StringComparison.Ordinal))
                    tokens.Add(e.Data);
            }
        });
        var exitCode = await simulator.WaitForExitAsync(cancellationToken: Cancellation);
        var readError = await reading.DefaultTimeout();

        Assert.Equal(137, exitCode);
        Assert.Equal(3, tokens.Count);
        Assert.IsAssignableFrom<IOException>(readError);
        Assert.Contains(simulator.Output.Lines, line => line.Contains("simulated crash after 3 tokens", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownArgumentExitsWith2NamingIt()
    {
        await using var simulator = SimulatorProcess.Launch(["--definitely-not-an-option"]);

        var exitCode = await simulator.WaitForExitAsync(cancellationToken: Cancellation);

        Assert.Equal(2, exitCode);
        var error = Assert.Single(simulator.ErrorOutput.Lines);
        Assert.Contains("unknown argument '--definitely-not-an-option'", error, StringComparison.Ordinal);
        Assert.Contains("usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUseExitsWith1AndSaysWhy()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        var port = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        await using var simulator = SimulatorProcess.Launch(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        var exitCode = await simulator.WaitForExitAsync(cancellationToken: Cancellation);

        Assert.Equal(1, exitCode);
        var error = Assert.Single(simulator.ErrorOutput.Lines);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("address already in use", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExpectModelRejectsOtherModelsInJsonAndMultipart()
    {
        await using var simulator = await SimulatorProcess.StartAsync(["--expect-model", "real-name", "--host", "localhost"], cancellationToken: Cancellation);
        using var client = simulator.CreateClient();

        using var wrong = await client.PostAsync("/v1/chat/completions", Json("""{"model":"alias","messages":[]}"""), Cancellation).DefaultTimeout();
        using var right = await client.PostAsync("/v1/chat/completions", Json("""{"model":"real-name","messages":[]}"""), Cancellation).DefaultTimeout();
        using var form = new MultipartFormDataContent { { new StringContent("alias"), "model" }, { new ByteArrayContent([1, 2, 3]), "file", "a.wav" } };
        using var wrongForm = await client.PostAsync("/v1/audio/transcriptions", form, Cancellation).DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var message = await wrong.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("'alias'", message, StringComparison.Ordinal);
        Assert.Contains("'real-name'", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongForm.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
