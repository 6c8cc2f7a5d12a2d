using System.Text;
using LlamaSwap.Proxy.Requests;

namespace LlamaSwap.Tests.Proxy.RequestPath;

public sealed class FormModelReaderTests
{
    [Theory]
    [InlineData("model=m1&stream=true", "m1", true)]
    [InlineData("prompt=a+b&model=author%2Fmodel", "author/model", false)]
    [InlineData("model=two+words", "two words", false)]
    [InlineData("prompt=x", null, false)]
    [InlineData("model=", null, false)]
    [InlineData("", null, false)]
    public void ReadsModelAndStream(string form, string? model, bool stream)
    {
        var fields = FormModelReader.Read(Encoding.UTF8.GetBytes(form));

        Assert.Equal(model, fields.Model);
        Assert.Equal(stream, fields.Stream);
    }

    [Fact]
    public void TheModelRangeIsTheRawValue()
    {
        var form = Encoding.UTF8.GetBytes("a=1&model=author%2Fm&b=2");

        var range = Assert.NotNull(FormModelReader.Read(form).ModelValue);

        Assert.Equal("author%2Fm", Encoding.UTF8.GetString(form, (int)range.Offset, (int)range.Length));
    }
}
