using System.Text.Json.Nodes;
using LlamaSwap.Configuration;
using LlamaSwap.Proxy.Hosting;
using LlamaSwap.Proxy.Listing;

namespace LlamaSwap.Tests.Proxy.Management;

public sealed class CapabilityRenderingTests
{
    private static string Render(Capabilities capabilities)
    {
        var record = new JsonObject();
        CapabilityRendering.From(capabilities).WriteTo(record);
        return record.ToJsonString(ManagementJson.Options);
    }

    [Fact]
    public void NothingDeclaredRendersNothing() => Assert.Equal("{}", Render(new Capabilities()));

    [Fact]
    public void VisionModelWithToolsAndContext() => Assert.Equal(
        """{"architecture":{"input_modalities":["text","image"],"output_modalities":["text"],"modality":"text+image->text"},"capabilities":{"vision":true,"function_calling":true},"supported_parameters":["tools","tool_choice"],"context_length":32768}""",
        Render(new Capabilities { In = [Modality.Text, Modality.Image], Out = [Modality.Text], Tools = true, Context = 32768 }));

    [Theory]
    [InlineData(new[] { Modality.Audio }, new[] { Modality.Text }, "audio_transcriptions")]
    [InlineData(new[] { Modality.Text }, new[] { Modality.Audio }, "audio_speech")]
    [InlineData(new[] { Modality.Text }, new[] { Modality.Image }, "image_generation")]
    public void ModalityPairsNameTheirCapability(Modality[] inputs, Modality[] outputs, string flag)
    {
        var rendering = CapabilityRendering.From(new Capabilities { In = [.. inputs], Out = [.. outputs] });

        Assert.Equal($$"""{"{{flag}}":true}""", rendering.Flags!.ToJsonString(ManagementJson.Options));
    }

    [Fact]
    public void ImageToImageIsAlsoVision()
    {
        var rendering = CapabilityRendering.From(new Capabilities { In = [Modality.Image], Out = [Modality.Image] });

        Assert.Equal("""{"vision":true,"image_to_image":true}""", rendering.Flags!.ToJsonString(ManagementJson.Options));
    }

    [Fact]
    public void OnlyOneSideDeclaredHasNoModalityString()
    {
        Assert.Equal(
            """{"architecture":{"input_modalities":["audio"]}}""",
            Render(new Capabilities { In = [Modality.Audio] }));
        Assert.Equal(
            """{"capabilities":{"reranker":true}}""",
            Render(new Capabilities { Reranker = true }));
    }
}
