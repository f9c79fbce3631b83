using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace SafeChat.Inference.Models;

/// <summary>
/// Model files embedded as manifest resources of an assembly, named <c>prefix + file name</c>.
/// </summary>
/// <remarks>
/// Embed with an explicit logical name so the name does not depend on the folder layout, e.g.
/// <c>&lt;EmbeddedResource Include="Models/signals/*" LogicalName="SafeChat.Models.signals.%(Filename)%(Extension)" /&gt;</c>
/// and read with the prefix <c>SafeChat.Models.signals.</c>. For a file in a subfolder (<c>vocab/words.txt</c>) the
/// resource <c>prefix + "vocab/words.txt"</c> is tried first, then <c>prefix + "vocab.words.txt"</c>.
/// </remarks>
public sealed class EmbeddedModelFileSource : IModelFileSource
{
    private readonly Assembly _assembly;
    private readonly string _prefix;

    /// <summary>Creates a source over the resources of <paramref name="assembly"/> whose names start with <paramref name="prefix"/>.</summary>
    public EmbeddedModelFileSource(Assembly assembly, string prefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(prefix);
        _assembly = assembly;
        _prefix = prefix;
    }

    /// <inheritdoc />
    public string DisplayName => $"{_assembly.GetName().Name}!{_prefix}";

    /// <inheritdoc />
    public bool TryOpenRead(string name, [NotNullWhen(true)] out Stream? stream)
    {
        ModelFileNames.ThrowIfUnsafe(name);
        stream = _assembly.GetManifestResourceStream(_prefix + name);
        if (stream is null && name.Contains('/', StringComparison.Ordinal))
        {
            stream = _assembly.GetManifestResourceStream(_prefix + name.Replace('/', '.'));
        }

        return stream is not null;
    }
}
