using LlamaSwap.Configuration.Yaml;

namespace LlamaSwap.Configuration.Decoding;

/// <summary>
/// Chooses the router (groups, matrix or LlamaSwap's maxLoaded) from <c>routing.router</c>, the legacy top-level
/// <c>groups:</c>/<c>matrix:</c>, or the top-level <c>maxLoaded:</c> shorthand, and decodes the chosen one.
/// </summary>
internal static class RoutingDecoder
{
    private const string UseGroup = "group";
    private const string UseMatrix = "matrix";
    private const string UseMaxLoaded = "maxLoaded";
    private const string SettingsPath = "routing.router.settings";

    public static RoutingConfig Decode(Section root, LlamaSwapConfig config)
    {
        var routing = root.Child(Keys.Routing, Keys.RoutingKeys);
        var legacyGroups = root.Value(Keys.Groups) is not null ? root.Entry(Keys.Groups) : null;
        var legacyMatrix = root.Value(Keys.Matrix) is not null ? root.Entry(Keys.Matrix) : null;
        var routerEntry = routing?.Entry(Keys.Router);
        var router = routing?.Child(Keys.Router, Keys.RouterKeys);
        var settings = router?.Child(Keys.Settings, Keys.RouterSettingsKeys);

        CheckMixing(root, legacyGroups, legacyMatrix, routerEntry);

        var (kind, maxLoaded) = ChooseRouter(root, router, settings, legacyMatrix is not null);
        var groupsSection = legacyGroups is not null
            ? root.Child(Keys.Groups, knownKeys: null)
            : settings?.Has(Keys.Groups) == true ? settings.Child(Keys.Groups, knownKeys: null) : null;
        var matrixSection = legacyMatrix is not null
            ? root.Child(Keys.Matrix, Keys.MatrixKeys)
            : settings?.Has(Keys.Matrix) == true ? settings.Child(Keys.Matrix, Keys.MatrixKeys) : null;

        WarnUnused(groupsSection, kind != RouterKind.Group, kind);
        WarnUnused(matrixSection, kind != RouterKind.Matrix, kind);

        var result = new RoutingConfig { Router = kind, MaxLoaded = maxLoaded ?? 1 };
        result = kind switch
        {
            RouterKind.Group => result with { Groups = GroupsDecoder.Decode(groupsSection, config) },
            RouterKind.Matrix when matrixSection is null => MissingMatrix(router!, result),
            RouterKind.Matrix => result with { Matrix = MatrixDecoder.Decode(matrixSection, config) },
            _ => result,
        };

        return SchedulerDecoder.Decode(routing, config, result);
    }

    private static void CheckMixing(Section root, YamlEntry? legacyGroups, YamlEntry? legacyMatrix, YamlEntry? routerEntry)
    {
        if (legacyGroups is not null && legacyMatrix is not null)
        {
            root.Diagnostics.Error(legacyMatrix.Key, Keys.Matrix, "config cannot use both 'groups' and 'matrix'");
        }

        foreach (var legacy in new[] { legacyGroups, legacyMatrix })
        {
            if (legacy is not null && routerEntry is not null)
            {
                root.Diagnostics.Error(legacy.Key, legacy.Name,
                    $"top-level '{legacy.Name}' cannot be combined with 'routing.router': please migrate the top-level keys into 'routing.router' and remove them");
            }
        }
    }

    private static (RouterKind Kind, int? MaxLoaded) ChooseRouter(Section root, Section? router, Section? settings, bool legacyMatrix)
    {
        var use = router?.String(Keys.Use)?.Trim();
        RouterKind? kind = use switch
        {
            null => null,
            UseGroup => RouterKind.Group,
            UseMatrix => RouterKind.Matrix,
            UseMaxLoaded => RouterKind.MaxLoaded,
            _ => null,
        };
        if (use is not null && kind is null)
        {
            router!.Error(Keys.Use, $"unknown router \"{use}\" (valid: group, matrix, maxLoaded)");
        }

        var settingsMax = MaxLoaded(settings);
        var shorthandMax = MaxLoaded(root);
        if (root.Has(Keys.MaxLoaded))
        {
            var conflict = use is not null && kind != RouterKind.MaxLoaded ? $"routing.router.use is '{use}'"
                : root.Has(Keys.Groups) ? "top-level 'groups' is set"
                : root.Has(Keys.Matrix) ? "top-level 'matrix' is set"
                : settings?.Has(Keys.MaxLoaded) == true ? $"{SettingsPath}.maxLoaded is also set"
                : null;
            if (conflict is not null)
            {
                root.Error(Keys.MaxLoaded, $"the maxLoaded shorthand cannot be used when {conflict}");
            }

            return (RouterKind.MaxLoaded, shorthandMax);
        }

        var chosen = kind ?? (legacyMatrix ? RouterKind.Matrix : RouterKind.Group);
        if (chosen == RouterKind.MaxLoaded && settingsMax is null && settings?.Has(Keys.MaxLoaded) != true)
        {
            router!.Error(Keys.Use, $"routing.router.use is 'maxLoaded' but {SettingsPath}.maxLoaded is not set");
        }
        else if (chosen != RouterKind.MaxLoaded && settings?.Entry(Keys.MaxLoaded) is { } unused)
        {
            settings.Diagnostics.Warning(unused.Key, settings.PathOf(Keys.MaxLoaded), $"not used: the router is '{Name(chosen)}'");
        }

        return (chosen, settingsMax);
    }

    private static int? MaxLoaded(Section? section)
    {
        if (section?.Int(Keys.MaxLoaded) is not { } value)
        {
            return null;
        }

        if (value < 1)
        {
            section.Error(Keys.MaxLoaded, $"must be >= 1 (got {value})");
            return null;
        }

        return value;
    }

    private static RoutingConfig MissingMatrix(Section router, RoutingConfig result)
    {
        router.Error(Keys.Use, $"routing.router.use is 'matrix' but {SettingsPath}.matrix is not set");
        return result;
    }

    private static void WarnUnused(Section? section, bool unused, RouterKind kind)
    {
        if (section is not null && unused)
        {
            section.Diagnostics.Warning(section.Node, section.Path, $"not used: the router is '{Name(kind)}'");
        }
    }

    private static string Name(RouterKind kind) => kind switch
    {
        RouterKind.Matrix => UseMatrix,
        RouterKind.MaxLoaded => UseMaxLoaded,
        _ => UseGroup,
    };
}
