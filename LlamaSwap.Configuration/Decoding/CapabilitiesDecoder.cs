using System.Collections.Immutable;

namespace LlamaSwap.Configuration.Decoding;

/// <summary><c>capabilities:</c> of a model: modalities in/out, tools, reranker, context length.</summary>
internal static class CapabilitiesDecoder
{
    public static Capabilities Decode(Section model)
    {
        if (model.Child(Keys.Capabilities, Keys.CapabilityKeys) is not { } section)
        {
            return new Capabilities();
        }

        var context = section.Int(Keys.Context) ?? 0;
        if (context < 0)
        {
            section.Error(Keys.Context, $"must be >= 0 (got {context})");
            context = 0;
        }

        return new Capabilities
        {
            In = Modalities(section, Keys.In),
            Out = Modalities(section, Keys.Out),
            Tools = section.Bool(Keys.Tools) ?? false,
            Reranker = section.Bool(Keys.Reranker) ?? false,
            Context = context,
        };
    }

    private static ImmutableArray<Modality> Modalities(Section section, string key)
    {
        var result = ImmutableArray.CreateBuilder<Modality>();
        foreach (var (value, node, path) in section.Strings(key) ?? [])
        {
            Modality? modality = value switch
            {
                "text" => Modality.Text,
                "audio" => Modality.Audio,
                "image" => Modality.Image,
                _ => null,
            };
            if (modality is null)
            {
                section.Diagnostics.Error(node, path, $"invalid modality \"{value}\", must be one of: text, audio, image");
            }
            else if (!result.Contains(modality.Value))
            {
                result.Add(modality.Value);
            }
        }

        return result.ToImmutable();
    }
}
