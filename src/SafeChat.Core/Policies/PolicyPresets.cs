namespace SafeChat.Policies;

/// <summary>
/// The built-in policies, embedded as JSON in the same format as user files (see docs/policies.md).
/// <c>strict-minors</c> is the default.
/// </summary>
public static class PolicyPresets
{
    /// <summary>The most protective preset and the default.</summary>
    public const string StrictMinors = "strict-minors";

    /// <summary>A looser preset: nudges instead of holds, no DM restriction, higher thresholds.</summary>
    public const string Standard = "standard";

    /// <summary>The default preset's name.</summary>
    public const string Default = StrictMinors;

    private const string ResourcePrefix = "SafeChat.Policies.Presets.";

    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = [StrictMinors, Standard];

    /// <summary>True when <paramref name="name"/> is a preset name.</summary>
    public static bool Exists(string name) => Names.Contains(name);

    /// <summary>Returns the JSON source of a preset.</summary>
    /// <exception cref="ArgumentException">The name is not a preset.</exception>
    public static string GetSource(string name)
    {
        if (name is null || !Exists(name))
        {
            throw new ArgumentException($"Unknown policy preset '{name}'. Known presets: {string.Join(", ", Names)}.", nameof(name));
        }

        using var stream = typeof(PolicyPresets).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json")
            ?? throw new InvalidOperationException($"The embedded policy preset '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Loads and validates a preset by name.</summary>
    /// <exception cref="ArgumentException">The name is not a preset.</exception>
    public static PolicyDefinition Load(string name) => PolicyLoader.Parse(GetSource(name), "preset:" + name);
}
