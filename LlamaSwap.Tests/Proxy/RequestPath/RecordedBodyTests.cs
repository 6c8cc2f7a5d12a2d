using LlamaSwap.Proxy.Requests;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class RecordedBodyTests
{
    [Fact]
    public async Task BytesBeyondTheMemoryLimitGoToDiskAndReadBackInOrder()
    {
        var data = new byte[10_000];
        new Random(3).NextBytes(data);
        await using var recorded = new RecordedBody(memoryLimit: 1000);

        for (var offset = 0; offset < data.Length; offset += 777)
            await recorded.AppendAsync(data.AsMemory(offset, Math.Min(777, data.Length - offset)), TestContext.Current.CancellationToken);

        Assert.False(recorded.InMemory);
        Assert.Equal(1000, recorded.MemoryPrefix.Length);
        Assert.Equal(data, await recorded.ToArrayAsync(TestContext.Current.CancellationToken));
        using var slice = new MemoryStream();
        await recorded.CopyToAsync(slice, 900, 2100, TestContext.Current.CancellationToken);
        Assert.Equal(data[900..2100], slice.ToArray());
    }

    [Fact]
    public async Task SmallBodiesStayInMemory()
    {
        await using var recorded = new RecordedBody();

        await recorded.AppendAsync(new byte[] { 1, 2, 3 }, TestContext.Current.CancellationToken);

        Assert.True(recorded.InMemory);
        Assert.Equal([1, 2, 3], recorded.Memory.ToArray());
    }

    [Fact]
    public async Task TheBufferIsSizedFromTheContentLengthAndGrowsWhenTheBodyIsLonger()
    {
        await using var small = new RecordedBody(expectedLength: 120);
        await using var large = new RecordedBody(expectedLength: 50L << 30);
        await using var chunked = new RecordedBody();
        await using var wrong = new RecordedBody(expectedLength: 2);

        await wrong.AppendAsync(new byte[] { 1, 2, 3, 4, 5 }, TestContext.Current.CancellationToken);

        Assert.Equal(120, small.MemoryCapacity);
        Assert.Equal(RecordedBody.MaxInitialCapacity, large.MemoryCapacity);
        Assert.Equal(RecordedBody.UnknownLengthInitialCapacity, chunked.MemoryCapacity);
        Assert.True(wrong.InMemory);
        Assert.Equal([1, 2, 3, 4, 5], wrong.Memory.ToArray());
    }
}
