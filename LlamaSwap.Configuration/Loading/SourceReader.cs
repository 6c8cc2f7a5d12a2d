using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Loading;

/// <summary>Reads the texts of a <see cref="ConfigSource"/>: the file first, then the directory's top-level *.yml/*.yaml in name order.</summary>
internal static class SourceReader
{
    public static List<SourceText> Read(ConfigSource source, DiagnosticBag diagnostics)
    {
        var files = new List<string>();
        if (source.File is { } file)
        {
            files.Add(file);
        }

        if (source.Directory is { } directory)
        {
            if (!Directory.Exists(directory))
            {
                diagnostics.Error(SourceMark.None(directory), "", $"config directory {directory} does not exist");
            }
            else
            {
                var fileFullPath = source.File is null ? null : Path.GetFullPath(source.File);
                foreach (var path in Directory.EnumerateFiles(directory)
                    .Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal))
                {
                    if (Path.GetFullPath(path) == fileFullPath)
                    {
                        diagnostics.Error(SourceMark.None(path), "", $"{source.File} is also present in the config directory {directory}; give it once");
                        continue;
                    }

                    files.Add(path);
                }
            }
        }

        if (files.Count == 0 && !diagnostics.HasErrors)
        {
            diagnostics.Error(SourceMark.None(source.Directory ?? ""), "", "no configuration sources found");
        }

        var texts = new List<SourceText>();
        foreach (var path in files)
        {
            try
            {
                texts.Add(new SourceText(path, File.ReadAllText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                diagnostics.Error(SourceMark.None(path), "", $"cannot read configuration file: {e.Message}");
            }
        }

        return texts;
    }
}
