using System.Text;
using LlamaSwap.Proxy.Requests;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class MultipartModelScannerTests
{
    private const string Boundary = "----llamaswap-boundary-42";

    private static byte[] Form(params (string Name, string? FileName, byte[] Content)[] parts)
    {
        using var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        Write("preamble to ignore\r\n");
        foreach (var (name, fileName, content) in parts)
        {
            Write($"--{Boundary}\r\n");
            Write(fileName is null
                ? $"Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                : $"Content-Disposition: form-data; name=\"{name}\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.Write(content);
            Write("\r\n");
        }

        Write($"--{Boundary}--\r\n");
        return body.ToArray();
    }

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65536)]
    public async Task FindsTheModelFieldAfterAFilePartAndRecordsItsRange(int chunkSize)
    {
        var audio = new byte[200_000];
        new Random(7).NextBytes(audio);
        var body = Form(("file", "a.wav", audio), ("model", null, Text("whisper-large")), ("language", null, Text("en")));

        var result = await MultipartModelScanner.ScanAsync(await PipeInput.FromAsync(body, chunkSize), Boundary, TestContext.Current.CancellationToken);

        Assert.Null(result.Error);
        Assert.Equal("whisper-large", result.Model);
        var range = Assert.NotNull(result.ModelValue);
        Assert.Equal("whisper-large", Encoding.UTF8.GetString(body, (int)range.Offset, (int)range.Length));
    }

    [Fact]
    public async Task AFileThatContainsTheBoundaryTextWithoutCrLfDoesNotEndThePart()
    {
        var tricky = Text($"--{Boundary} but not at a line start; name=\"model\"\r\n\r\nfake");
        var body = Form(("file", "x.bin", tricky), ("model", null, Text("real")));

        var result = await MultipartModelScanner.ScanAsync(await PipeInput.FromAsync(body, 5), Boundary, TestContext.Current.CancellationToken);

        Assert.Equal("real", result.Model);
    }

    [Fact]
    public async Task AFormWithoutModelIsReportedAsSuch()
    {
        var body = Form(("file", "a.wav", Text("RIFF")), ("prompt", null, Text("hello")));

        var result = await MultipartModelScanner.ScanAsync(await PipeInput.FromAsync(body), Boundary, TestContext.Current.CancellationToken);

        Assert.Null(result.Model);
        Assert.Equal(MultipartModelScanner.NoModelField, result.Error);
    }

    [Fact]
    public async Task ATruncatedBodyIsAnError()
    {
        var body = Form(("file", "a.wav", Text("RIFF....")), ("model", null, Text("m")));
        var truncated = body[..(body.Length / 2)];

        var result = await MultipartModelScanner.ScanAsync(await PipeInput.FromAsync(truncated), Boundary, TestContext.Current.CancellationToken);

        Assert.Null(result.Model);
        Assert.NotNull(result.Error);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=abc", "abc")]
    [InlineData("multipart/form-data; boundary=\"a b:c\"", "a b:c")]
    [InlineData("multipart/form-data", null)]
    public void ReadsTheBoundaryFromTheContentType(string contentType, string? boundary) =>
        Assert.Equal(boundary, MultipartModelScanner.Boundary(contentType));
}
