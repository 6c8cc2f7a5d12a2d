using LlamaSwap.Configuration;
using LlamaSwap.Configuration.Watching;

namespace LlamaSwap.Tests.Configuration;

public sealed class ConfigWatcherTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("llamaswap-watch-");
    private readonly ManualTimeProvider _clock = new();
    private DateTime _nextWriteTime = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private int _loads;

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task WatchAsync_FileChanged_YieldsTheNewConfigAfterAQuietBaseline()
    {
        var file = Write("models.yaml", "v1");
        await using var watch = Start(new ConfigSource(file));

        await watch.AssertQuietAsync(timers: 3);
        Write("models.yaml", "v2");

        Assert.Equal("v2", Content(await watch.NextAsync()));
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task WatchAsync_BurstOfWrites_YieldsOneReloadOfTheLastContent()
    {
        var file = Write("models.yaml", "v1");
        await using var watch = Start(new ConfigSource(file));

        Write("models.yaml", "v2");
        Assert.Equal(Poll, await watch.FireTimerAsync());
        Write("models.yaml", "v3 longer");
        Assert.Equal(Debounce, await watch.FireTimerAsync());
        Write("models.yaml", "v4");
        Assert.Equal(Debounce, await watch.FireTimerAsync());

        Assert.Equal("v4", Content(await watch.NextAsync()));
        await watch.AssertQuietAsync(timers: 5);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task WatchAsync_OnlyWriteTimeChanged_DoesNotReload()
    {
        var file = Write("models.yaml", "v1");
        await using var watch = Start(new ConfigSource(file));

        File.SetLastWriteTimeUtc(file, NextWriteTime());
        await watch.AssertQuietAsync(timers: 5);
        Assert.Equal(0, _loads);

        Write("models.yaml", "v2");
        Assert.Equal("v2", Content(await watch.NextAsync()));
    }

    [Fact]
    public async Task WatchAsync_AtomicRename_YieldsTheReplacementOnce()
    {
        var file = Write("models.yaml", "v1");
        await using var watch = Start(new ConfigSource(file));

        var temp = Write("models.yaml.tmp", "v2");
        await watch.FireTimerAsync();
        File.Move(temp, file, overwrite: true);

        Assert.Equal("v2", Content(await watch.NextAsync()));
        await watch.AssertQuietAsync(timers: 5);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task WatchAsync_FileBrieflyMissing_IsSilentAndNewContentOnReturnFires()
    {
        var file = Write("models.yaml", "v1");
        await using var watch = Start(new ConfigSource(file));

        File.Delete(file);
        await watch.AssertQuietAsync(timers: 5);
        Write("models.yaml", "v1");
        await watch.AssertQuietAsync(timers: 5);
        Assert.Equal(0, _loads);

        File.Delete(file);
        await watch.AssertQuietAsync(timers: 3);
        Write("models.yaml", "v2");
        Assert.Equal("v2", Content(await watch.NextAsync()));
    }

    [Fact]
    public async Task WatchAsync_FileMissingAtStart_FiresWhenItAppears()
    {
        var file = Path.Join(_root.FullName, "models.yaml");
        await using var watch = Start(new ConfigSource(file));

        await watch.AssertQuietAsync(timers: 3);
        Write("models.yaml", "v1");

        Assert.Equal("v1", Content(await watch.NextAsync()));
    }

    [Fact]
    public async Task WatchAsync_ConfigMapSymlinkSwap_FollowsTheNewTarget()
    {
        // Kubernetes layout: models.yaml -> ..data/models.yaml, ..data -> ..<timestamp>; an update swaps ..data.
        // Both targets get the same size and write time: only the resolved path tells them apart.
        var sameTime = NextWriteTime();
        Write("..2025_01_01_a/models.yaml", "v1", sameTime);
        Write("..2025_01_01_b/models.yaml", "v2", sameTime);
        Directory.CreateSymbolicLink(Path.Join(_root.FullName, "..data"), "..2025_01_01_a");
        var file = Path.Join(_root.FullName, "models.yaml");
        File.CreateSymbolicLink(file, "..data/models.yaml");
        await using var watch = Start(new ConfigSource(file));

        var swap = Path.Join(_root.FullName, "..data_tmp");
        Directory.CreateSymbolicLink(swap, "..2025_01_01_b");
        await RenameOverAsync(swap, Path.Join(_root.FullName, "..data"));

        Assert.Equal("v2", Content(await watch.NextAsync()));
    }

    [Fact]
    public async Task WatchAsync_Directory_TracksAddedChangedAndRemovedYamlFiles()
    {
        Write("conf.d/a.yaml", "a1");
        var directory = Path.Join(_root.FullName, "conf.d");
        await using var watch = Start(new ConfigSource(null, directory));

        Write("conf.d/b.yml", "b1");
        Assert.Equal("a.yaml=a1;b.yml=b1", Content(await watch.NextAsync()));

        Write("conf.d/a.yaml", "a2");
        Assert.Equal("a.yaml=a2;b.yml=b1", Content(await watch.NextAsync()));

        File.Delete(Path.Join(directory, "b.yml"));
        Assert.Equal("a.yaml=a2", Content(await watch.NextAsync()));

        Write("conf.d/notes.txt", "not configuration");
        Write("conf.d/nested/c.yaml", "not top-level");
        await watch.AssertQuietAsync(timers: 3);

        File.Delete(Path.Join(directory, "a.yaml"));
        await watch.AssertQuietAsync(timers: 3);
        Write("conf.d/C.YAML", "c1");
        Assert.Equal("C.YAML=c1", Content(await watch.NextAsync()));
        Assert.Equal(4, _loads);
    }

    [Fact]
    public async Task WatchAsync_FileAndDirectory_ChangeInEitherFires()
    {
        var file = Write("models.yaml", "main");
        Write("conf.d/extra.yaml", "x1");
        await using var watch = Start(new ConfigSource(file, Path.Join(_root.FullName, "conf.d")));

        Write("conf.d/extra.yaml", "x2");
        Assert.Equal("main|extra.yaml=x2", Content(await watch.NextAsync()));

        Write("models.yaml", "main2");
        Assert.Equal("main2|extra.yaml=x2", Content(await watch.NextAsync()));
    }

    [Fact]
    public async Task WatchAsync_InvalidConfig_DeliversErrorsOnceWhileTheCallerKeepsItsConfig()
    {
        var file = Write("models.yaml", "v1");
        await using var watch = Start(new ConfigSource(file), includeInitialLoad: true);
        var initial = await watch.NextAsync();
        Assert.True(initial.Succeeded);
        var inForce = initial.Config;

        Write("models.yaml", "error: ttl");
        var broken = await watch.NextAsync();
        Assert.False(broken.Succeeded);
        Assert.Equal("models.yaml:3:7 models.m.ttl: invalid TTL value -5", Assert.Single(broken.Errors).ToString());
        inForce = broken.Config ?? inForce;
        await watch.AssertQuietAsync(timers: 5);

        Write("models.yaml", "v3");
        var fixedResult = await watch.NextAsync();
        inForce = fixedResult.Config ?? inForce;

        Assert.Equal("v3", Content(inForce));
        Assert.Equal(3, _loads);
    }

    [Fact]
    public async Task WatchAsync_LoadThrowsIOException_DeliversItAsAnError()
    {
        var file = Write("models.yaml", "v1");
        var watcher = new ConfigWatcher(new ConfigSource(file), _ => throw new IOException("disk on fire"), _clock);
        await using var watch = new WatchRun(watcher, _clock);

        Write("models.yaml", "v2");
        var result = await watch.NextAsync();

        Assert.False(result.Succeeded);
        Assert.Equal($"{file}: cannot read configuration: disk on fire", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public async Task WatchAsync_RealClock_DetectsAChange()
    {
        var file = Write("models.yaml", "v1");
        var options = new ConfigWatcherOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            Debounce = TimeSpan.FromMilliseconds(20),
            IncludeInitialLoad = true,
        };
        using var watcher = new ConfigWatcher(new ConfigSource(file), Load, TimeProvider.System, options);
        await using var results = watcher.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.Equal("v1", Content(results.Current));
        Write("models.yaml", "v2");
        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.Equal("v2", Content(results.Current));
    }

    [Fact]
    public async Task WatchAsync_Cancelled_StopsPromptly()
    {
        var file = Write("models.yaml", "v1");
        using var watcher = new ConfigWatcher(new ConfigSource(file), Load, TimeProvider.System, new() { PollInterval = TimeSpan.FromHours(1) });
        using var cancellation = new CancellationTokenSource();
        await using var results = watcher.WatchAsync(cancellation.Token).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        var next = results.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Dispose_WhileWatching_EndsTheSequencePromptly()
    {
        var file = Write("models.yaml", "v1");
        var watcher = new ConfigWatcher(new ConfigSource(file), Load, TimeProvider.System, new() { PollInterval = TimeSpan.FromHours(1) });
        await using var results = watcher.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        var next = results.MoveNextAsync().AsTask();
        watcher.Dispose();

        Assert.False(await next.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        await using var afterDispose = watcher.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await afterDispose.MoveNextAsync());
    }

    [Fact]
    public void RealPath_LinksInSeveralComponents_AreAllResolved()
    {
        var target = Write("store/v7/models.yaml", "v1");
        Directory.CreateSymbolicLink(Path.Join(_root.FullName, "current"), "store/v7");
        Directory.CreateSymbolicLink(Path.Join(_root.FullName, "etc"), _root.FullName);
        File.CreateSymbolicLink(Path.Join(_root.FullName, "store", "link.yaml"), "../current/./models.yaml");

        Assert.Equal(RealPath.Resolve(target), RealPath.Resolve(Path.Join(_root.FullName, "etc", "store", "link.yaml")));
        Assert.EndsWith(Path.Join("store", "v7", "models.yaml"), RealPath.Resolve(Path.Join(_root.FullName, "etc", "current", "models.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void RealPath_LinkLoop_Throws()
    {
        File.CreateSymbolicLink(Path.Join(_root.FullName, "a"), "b");
        File.CreateSymbolicLink(Path.Join(_root.FullName, "b"), "a");

        Assert.Throws<IOException>(() => RealPath.Resolve(Path.Join(_root.FullName, "a")));
        Assert.Null(FileStamp.Take(Path.Join(_root.FullName, "a")));
    }

    [Fact]
    public void Constructor_SourceWithNothingToWatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ConfigWatcher(new ConfigSource(null), Load));
    }

    private WatchRun Start(ConfigSource source, bool includeInitialLoad = false)
    {
        var options = new ConfigWatcherOptions { PollInterval = Poll, Debounce = Debounce, IncludeInitialLoad = includeInitialLoad };
        return new WatchRun(new ConfigWatcher(source, Load, _clock, options), _clock);
    }

    /// <summary>Stands in for the real loader: the "config" records the text it read, and "error" makes it invalid.</summary>
    private ConfigLoadResult Load(ConfigSource source)
    {
        Interlocked.Increment(ref _loads);
        var parts = new List<string>();
        if (source.File is { } file)
            parts.Add(File.ReadAllText(file));
        if (source.Directory is { } directory)
        {
            var yaml = Directory.EnumerateFiles(directory)
                .Where(f => Path.GetExtension(f).ToUpperInvariant() is ".YAML" or ".YML")
                .Order(StringComparer.Ordinal)
                .Select(f => $"{Path.GetFileName(f)}={File.ReadAllText(f)}");
            parts.Add(string.Join(";", yaml));
        }

        var text = string.Join("|", parts);
        if (text.Contains("error", StringComparison.Ordinal))
            return new ConfigLoadResult(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, "models.yaml", 3, 7, "models.m.ttl", "invalid TTL value -5")]);
        return new ConfigLoadResult(new LlamaSwapConfig { Sources = [text] }, []);
    }

    private static string Content(ConfigLoadResult result)
    {
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return Content(result.Config);
    }

    private static string Content(LlamaSwapConfig? config)
    {
        Assert.NotNull(config);
        return Assert.Single(config.Sources);
    }

    /// <summary>Writes a file under the test directory with a write time distinct from every earlier write.</summary>
    private string Write(string relativePath, string content, DateTime? writeTime = null)
    {
        var path = Path.Join(_root.FullName, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, writeTime ?? NextWriteTime());
        return path;
    }

    /// <summary>rename(2) of a symbolic link over another, the atomic swap Kubernetes performs (.NET's File.Move
    /// refuses a link to a directory).</summary>
    private static async Task RenameOverAsync(string source, string destination)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", source, destination]);
        await mv.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(0, mv.ExitCode);
    }

    private DateTime NextWriteTime() => _nextWriteTime = _nextWriteTime.AddSeconds(1);

    /// <summary>One enumeration of a watcher on the manual clock, stepped one timer at a time.</summary>
    private sealed class WatchRun : IAsyncDisposable
    {
        private const int MaxTimersPerResult = 20;

        private readonly ConfigWatcher _watcher;
        private readonly ManualTimeProvider _clock;
        private readonly IAsyncEnumerator<ConfigLoadResult> _results;
        private Task<bool>? _pending;

        public WatchRun(ConfigWatcher watcher, ManualTimeProvider clock)
        {
            _watcher = watcher;
            _clock = clock;
            _results = watcher.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
            // Starting the enumeration takes the baseline synchronously, up to the first poll's wait.
            _pending = _results.MoveNextAsync().AsTask();
        }

        /// <summary>Runs the clock until the watcher yields.</summary>
        public async Task<ConfigLoadResult> NextAsync()
        {
            var pending = _pending ??= _results.MoveNextAsync().AsTask();
            for (var i = 0; i < MaxTimersPerResult && !pending.IsCompleted; i++)
            {
                await Task.WhenAny(pending, _clock.WaitForTimerAsync()).WaitAsync(Timeout, TestContext.Current.CancellationToken);
                if (!pending.IsCompleted)
                    _clock.FireNextTimer();
            }

            Assert.True(pending.IsCompleted, $"no result after {MaxTimersPerResult} timers");
            Assert.True(await pending);
            _pending = null;
            return _results.Current;
        }

        /// <summary>Fires the next timer the watcher waits on, asserting it yields nothing.</summary>
        /// <returns>How far the clock moved: which wait that was.</returns>
        public async Task<TimeSpan> FireTimerAsync()
        {
            var pending = _pending ??= _results.MoveNextAsync().AsTask();
            await Task.WhenAny(pending, _clock.WaitForTimerAsync()).WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.False(pending.IsCompleted, "the watcher yielded a result");
            var moved = _clock.FireNextTimer();
            Assert.False(pending.IsCompleted, "the watcher yielded a result");
            return moved;
        }

        public async Task AssertQuietAsync(int timers)
        {
            for (var i = 0; i < timers; i++)
                await FireTimerAsync();
        }

        public async ValueTask DisposeAsync()
        {
            _watcher.Dispose();
            if (_pending is not null)
                await _pending.WaitAsync(Timeout);
            await _results.DisposeAsync();
        }
    }
}
