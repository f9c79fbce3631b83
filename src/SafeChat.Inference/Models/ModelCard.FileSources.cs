using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace SafeChat.Inference.Models;

/// <summary>Where a model's files (card, <c>model.onnx</c>, tokenizer files) are read from.</summary>
public interface IModelFileSource
{
    /// <summary>A human-readable name of the source for error messages (a directory or an assembly and prefix).</summary>
    string DisplayName { get; }

    /// <summary>Opens a file for reading.</summary>
    /// <param name="name">A relative, <c>/</c>-separated file name, e.g. <c>model.onnx</c>.</param>
    /// <param name="stream">The open stream, owned by the caller.</param>
    /// <returns><see langword="false"/> if the source has no such file.</returns>
    bool TryOpenRead(string name, [NotNullWhen(true)] out Stream? stream);
}

/// <summary>Model files in a directory on disk.</summary>
public sealed class DirectoryModelFileSource : IModelFileSource
{
    private readonly string _root;

    /// <summary>Creates a source over <paramref name="directory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public DirectoryModelFileSource(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _root = Path.GetFullPath(directory);
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Model directory '{_root}' does not exist.");
        }
    }

    /// <inheritdoc />
    public string DisplayName => _root;

    /// <inheritdoc />
    public bool TryOpenRead(string name, [NotNullWhen(true)] out Stream? stream)
    {
        ModelFileNames.ThrowIfUnsafe(name);
        var path = Path.GetFullPath(Path.Combine(_root, name));
        var rootWithSeparator = Path.EndsInDirectorySeparator(_root) ? _root : _root + Path.DirectorySeparatorChar;
        if (!path.StartsWith(rootWithSeparator, StringComparison.Ordinal) || !File.Exists(path))
        {
            stream = null;
            return false;
        }

        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return true;
    }
}

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

internal static class ModelFileNames
{
    /// <summary>File names in a card are relative, <c>/</c>-separated and never leave the model directory.</summary>
    public static bool IsSafe(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal)
            || name.StartsWith('/') || name.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }
        }

        return true;
    }

    public static void ThrowIfUnsafe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsSafe(name))
        {
            throw new ArgumentException($"'{name}' is not a relative '/'-separated model file name inside the model directory.", nameof(name));
        }
    }
}
